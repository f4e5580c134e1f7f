# Posture checks are imported by id.
terraform import ziti_posture_check_os.supported 5nHc8RzP1d
