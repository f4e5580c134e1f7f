# Posture checks are imported by id.
terraform import ziti_posture_check_mfa.admin 3kT9xLq2Vb
