# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5).
import {
  to = ziti_auth_policy.contractors
  id = "aWmk5fmjN6"
}
