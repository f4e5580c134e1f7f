# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5).
import {
  to = ziti_service.echo
  id = "4hRAQAvOZR"
}
