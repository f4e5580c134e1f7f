# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5).
import {
  to = ziti_service_edge_router_policy.public
  id = "6K0ivJ3uLr"
}
