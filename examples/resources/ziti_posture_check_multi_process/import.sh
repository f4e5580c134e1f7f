# Posture checks are imported by id.
terraform import ziti_posture_check_multi_process.vpn 4cXe6YtU8a
