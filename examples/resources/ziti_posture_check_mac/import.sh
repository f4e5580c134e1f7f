# Posture checks are imported by id.
terraform import ziti_posture_check_mac.lab 7mWq0fM3kE
