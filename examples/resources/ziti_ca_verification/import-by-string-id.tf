# The id is the CA's id; the import succeeds only for a verified CA.
import {
  to = ziti_ca_verification.partner
  id = "8cWq2hRzk"
}
