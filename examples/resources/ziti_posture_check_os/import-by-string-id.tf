# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5).
import {
  to = ziti_posture_check_os.supported
  id = "5nHc8RzP1d"
}
