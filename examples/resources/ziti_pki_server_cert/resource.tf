resource "ziti_pki_ca" "root" {
  name = "my-root-ca"
}

resource "ziti_pki_intermediate" "edge" {
  name                   = "my-edge-ica"
  issuer_cert_pem        = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem = ziti_pki_ca.root.private_key_pem
}

# The Edge API TLS certificate. Every name and address clients use must be a SAN.
resource "ziti_pki_server_cert" "edge" {
  name                   = "edge-server"
  dns_names              = ["ctrl.example.com", "localhost"]
  ip_addresses           = ["127.0.0.1"]
  early_renewal_hours    = 720 # the plan replaces it 30 days before it expires
  issuer_cert_pem        = ziti_pki_intermediate.edge.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.edge.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.edge.ca_bundle_pem
}

# Serve chain_pem (leaf + intermediates); clients trust ca_bundle_pem.
output "edge_server_chain_pem" {
  value = ziti_pki_server_cert.edge.chain_pem
}

# Sign a request whose key stays in an HSM: no private key reaches Terraform.
variable "hsm_csr_pem" {
  type        = string
  description = "PKCS #10 request made with the HSM key (e.g. openssl req -new -engine pkcs11 ...)."
}

resource "ziti_pki_server_cert" "hsm" {
  name                   = "hsm-server"
  csr_pem                = var.hsm_csr_pem
  dns_names              = ["hsm.example.com"]
  issuer_cert_pem        = ziti_pki_intermediate.edge.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.edge.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.edge.ca_bundle_pem
}
