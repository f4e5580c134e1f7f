# Posture checks are imported by id.
terraform import ziti_posture_check_domain.corp 2pQ1oWNFmN
