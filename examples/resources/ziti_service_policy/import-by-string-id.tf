# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5).
import {
  to = ziti_service_policy.demo_dial
  id = "5oEbgSx5kF"
}
