# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5).
import {
  to = ziti_posture_check_domain.corp
  id = "2pQ1oWNFmN"
}
