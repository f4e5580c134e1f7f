# The paths are usually ziti_pki_directory.<name>.paths["..."] (see the
# ziti_pki_directory example, and modules/pki which wires the whole tree);
# written out here as the files `ziti pki` would create.
data "ziti_controller_config" "ctrl" {
  # Control plane: the network-components ICA.
  identity = {
    cert        = "/opt/ziti/pki/my-network-ica/certs/network-client.cert"
    server_cert = "/opt/ziti/pki/my-network-ica/certs/network-server.chain.pem"
    key         = "/opt/ziti/pki/my-network-ica/keys/network-client.key"
    ca          = "/opt/ziti/pki/my-network-ica/cas.pem"
  }
  # Edge API TLS: the edge ICA. This key also signs enrollment JWTs.
  web_identity = {
    cert        = "/opt/ziti/pki/my-edge-ica/certs/edge-client.cert"
    server_cert = "/opt/ziti/pki/my-edge-ica/certs/edge-server.chain.pem"
    key         = "/opt/ziti/pki/my-edge-ica/keys/edge-client.key"
    ca          = "/opt/ziti/pki/my-edge-ica/cas.pem"
  }
  # Signs the certificates of enrolled identities and routers.
  signing_cert = {
    cert = "/opt/ziti/pki/my-sign-ica/certs/my-sign-ica.chain.pem"
    key  = "/opt/ziti/pki/my-sign-ica/keys/my-sign-ica.key"
  }
  advertised_address = "ctrl.example.com:1280" # a DNS SAN of edge-server
  bind_address       = "0.0.0.0:1280"
  db_path            = "/var/lib/ziti/ctrl.db"
}

# Write it to disk.
resource "ziti_pki_directory" "config" {
  pki_root = "/opt/ziti"
  file {
    path    = "ctrl.yaml"
    content = data.ziti_controller_config.ctrl.yaml
  }
}
