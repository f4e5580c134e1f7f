locals {
  p = ziti_pki_directory.pki.paths
}

data "ziti_controller_config" "ctrl" {
  # Control plane: the network-components ICA.
  identity = {
    cert        = local.p["network-client.cert"]
    server_cert = local.p["network-server.chain"]
    key         = local.p["network-client.key"]
    ca          = local.p["my-network-ica.cas"]
  }
  # Edge API TLS: the edge ICA. This key also signs enrollment JWTs.
  web_identity = {
    cert        = local.p["edge-client.cert"]
    server_cert = local.p["edge-server.chain"]
    key         = local.p["edge-client.key"]
    ca          = local.p["my-edge-ica.cas"]
  }
  # Signs the certificates of enrolled identities and routers.
  signing_cert = {
    cert = local.p["my-sign-ica.chain"]
    key  = local.p["my-sign-ica.key"]
  }
  advertised_address = "ctrl.example.com:1280" # a DNS SAN of edge-server
  bind_address       = "0.0.0.0:1280"
  db_path            = "/var/lib/ziti/ctrl.db"
}

# Write it beside the tree (a second directory resource: the first one's
# paths feed the configuration).
resource "ziti_pki_directory" "config" {
  pki_root = "/opt/ziti"
  file {
    path    = "ctrl.yaml"
    content = data.ziti_controller_config.ctrl.yaml
  }
}
