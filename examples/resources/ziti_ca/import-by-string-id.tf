# Terraform >= 1.5 / OpenTofu >= 1.5: import by id in configuration, so the
# import is planned and reviewed like any other change. The write-only key is
# never imported; an imported CA that is still unverified is verified on the
# next apply that sets ca_private_key_pem_wo.
import {
  to = ziti_ca.devices
  id = "8cWq2hRzk"
}
