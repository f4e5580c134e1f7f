# The devices' PKI (here made with the provider's own PKI resources; any
# external CA works).
resource "ziti_pki_ca" "devices" {
  name = "acme-devices-root"
}

# Register it as a third-party CA and verify it in the same apply: the key is
# a write-only argument, never stored in state or shown in a plan.
resource "ziti_ca" "devices" {
  name                         = "acme-devices"
  cert_pem                     = ziti_pki_ca.devices.cert_pem
  is_ott_ca_enrollment_enabled = true
  is_auth_enabled              = true
  identity_roles               = ["devices"]
  identity_name_format         = "[caName]-[commonName]"

  external_id_claim = {
    location         = "SAN_URI"
    matcher          = "SCHEME"
    matcher_criteria = "spiffe"
    parser           = "NONE"
    parser_criteria  = ""
    index            = 0
  }

  ca_private_key_pem_wo         = ziti_pki_ca.devices.private_key_pem
  ca_private_key_pem_wo_version = 1
}

output "devices_ca_verified" {
  value = ziti_ca.devices.is_verified
}
