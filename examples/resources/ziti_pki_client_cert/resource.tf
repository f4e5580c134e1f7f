resource "ziti_pki_ca" "devices" {
  name = "devices-root"
}

# A device certificate with a URI SAN that a third-party CA's external-id
# claim can match.
resource "ziti_pki_client_cert" "device" {
  name                   = "sensor-01"
  uris                   = ["spiffe://example.org/device/sensor-01"]
  email_addresses        = ["ops@example.org"]
  validity_period_hours  = 720
  early_renewal_hours    = 72
  issuer_cert_pem        = ziti_pki_ca.devices.cert_pem
  issuer_private_key_pem = ziti_pki_ca.devices.private_key_pem
}

# The controller's own client certificate shares its server certificate's
# key, as `ziti pki create client --key-name` does: an OpenZiti identity block
# has one `key` for both `cert` and `server_cert`.
resource "ziti_pki_server_cert" "edge" {
  name                   = "edge-server"
  dns_names              = ["ctrl.example.com"]
  issuer_cert_pem        = ziti_pki_ca.devices.cert_pem
  issuer_private_key_pem = ziti_pki_ca.devices.private_key_pem
}

resource "ziti_pki_client_cert" "edge" {
  name                   = "edge-client"
  private_key_pem        = ziti_pki_server_cert.edge.private_key_pem
  issuer_cert_pem        = ziti_pki_ca.devices.cert_pem
  issuer_private_key_pem = ziti_pki_ca.devices.private_key_pem
}
