resource "ziti_pki_ca" "root" {
  name = "my-root-ca"
}

resource "ziti_pki_intermediate" "edge" {
  name                   = "my-edge-ica"
  issuer_cert_pem        = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem = ziti_pki_ca.root.private_key_pem
}

resource "ziti_pki_server_cert" "edge" {
  name                   = "edge-server"
  dns_names              = ["ctrl.example.com"]
  issuer_cert_pem        = ziti_pki_intermediate.edge.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.edge.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.edge.ca_bundle_pem
}

# Write the tree where the controller expects it, in the `ziti pki` layout.
resource "ziti_pki_directory" "pki" {
  pki_root = "/opt/ziti/pki"

  ca {
    name          = ziti_pki_ca.root.name
    cert_pem      = ziti_pki_ca.root.cert_pem
    ca_bundle_pem = ziti_pki_ca.root.ca_bundle_pem
    # No private_key_pem: the root key stays in the state only.
  }
  ca {
    name            = ziti_pki_intermediate.edge.name
    cert_pem        = ziti_pki_intermediate.edge.cert_pem
    chain_pem       = ziti_pki_intermediate.edge.chain_pem
    ca_bundle_pem   = ziti_pki_intermediate.edge.ca_bundle_pem
    private_key_pem = ziti_pki_intermediate.edge.private_key_pem
  }
  leaf {
    ca              = ziti_pki_intermediate.edge.name
    name            = ziti_pki_server_cert.edge.name
    cert_pem        = ziti_pki_server_cert.edge.cert_pem
    chain_pem       = ziti_pki_server_cert.edge.chain_pem
    private_key_pem = ziti_pki_server_cert.edge.private_key_pem
  }
  file {
    path    = "cas-full.pem"
    content = ziti_pki_intermediate.edge.ca_bundle_pem
  }
}

# Known at plan time: /opt/ziti/pki/my-edge-ica/certs/edge-server.chain.pem
output "edge_server_chain_file" {
  value = ziti_pki_directory.pki.paths["edge-server.chain"]
}
