# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5); the
# identity id is in `ziti edge list identities` or the Edge API.
import {
  to = ziti_identity.sensor
  id = "5kqXnJ3bQ"
}
