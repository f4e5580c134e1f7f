# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5).
import {
  to = ziti_posture_check_multi_process.vpn
  id = "4cXe6YtU8a"
}
