# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5).
import {
  to = ziti_posture_check_mfa.admin
  id = "3kT9xLq2Vb"
}
