# The CA key lives in keys/root.key (made on the first run, mode 0600) and
# reaches the certificate resources write-only: state keeps the certificate
# and its public-key fingerprint only.
ephemeral "ziti_pki_private_key" "root" {
  path = "${path.root}/keys/root.key"
}

resource "ziti_pki_ca" "root" {
  name                       = "my-root-ca"
  private_key_pem_wo         = ephemeral.ziti_pki_private_key.root.private_key_pem
  private_key_pem_wo_version = 1
}

ephemeral "ziti_pki_private_key" "server" {
  path = "${path.root}/keys/server.key"
}

resource "ziti_pki_server_cert" "server" {
  name                      = "my-server"
  dns_names                 = ["ctrl.example.com"]
  private_key_pem_wo        = ephemeral.ziti_pki_private_key.server.private_key_pem
  issuer_cert_pem           = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem_wo = ephemeral.ziti_pki_private_key.root.private_key_pem
}
