# The Edge API TLS certificate. Every name and address clients use must be a SAN.
resource "ziti_pki_server_cert" "edge" {
  name                   = "edge-server"
  dns_names              = ["ctrl.example.com", "localhost"]
  ip_addresses           = ["127.0.0.1"]
  issuer_cert_pem        = ziti_pki_intermediate.edge.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.edge.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.edge.ca_bundle_pem
}

# Serve chain_pem (leaf + intermediates); clients trust ca_bundle_pem.
output "edge_server_chain" {
  value = ziti_pki_server_cert.edge.chain_pem
}

# Sign a request whose key stays in an HSM: no private key reaches Terraform.
resource "ziti_pki_server_cert" "hsm" {
  name                   = "hsm-server"
  csr_pem                = file("${path.module}/hsm-server.csr")
  dns_names              = ["hsm.example.com"]
  issuer_cert_pem        = ziti_pki_intermediate.edge.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.edge.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.edge.ca_bundle_pem
}
