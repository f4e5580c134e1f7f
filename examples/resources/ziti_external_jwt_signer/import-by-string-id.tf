# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5).
import {
  to = ziti_external_jwt_signer.sso
  id = "5bDRIBcpwyNyw4XugWlqml"
}
