resource "ziti_pki_ca" "root" {
  name = "my-root-ca"
}

# root -> external ICA -> signing ICA, as in the OpenZiti PKI guide.
resource "ziti_pki_intermediate" "external" {
  name                   = "my-external-ica"
  issuer_cert_pem        = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem = ziti_pki_ca.root.private_key_pem
  # The issuer is the root: no issuer_ca_bundle_pem needed.
}

resource "ziti_pki_intermediate" "signing" {
  name            = "my-sign-ica"
  max_path_length = 0 # signs leaf certificates only
  # The issuer is itself an intermediate: pass its bundle so that chain_pem
  # and ca_bundle_pem reach the root.
  issuer_cert_pem        = ziti_pki_intermediate.external.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.external.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.external.ca_bundle_pem
}

# The controller's edge.enrollment.signingCert.cert: the ICA and the external ICA.
output "signing_chain_pem" {
  value = ziti_pki_intermediate.signing.chain_pem
}
