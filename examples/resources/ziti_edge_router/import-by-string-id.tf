# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5). re_enroll
# lives only in the configuration and is not imported.
import {
  to = ziti_edge_router.edge_eu
  id = "Hq1dK9vVb"
}
