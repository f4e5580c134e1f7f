# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5).
import {
  to = ziti_posture_check_mac.lab
  id = "7mWq0fM3kE"
}
