# Posture checks are imported by id.
terraform import ziti_posture_check_process.edr 9vBd2WqK7s
