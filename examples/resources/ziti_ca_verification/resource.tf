# When the CA key must not reach Terraform: register the CA without it, have
# the CA's owner sign a certificate with CN = verification_token, and submit
# that certificate.
resource "ziti_ca" "partner" {
  name     = "partner-devices"
  cert_pem = file("${path.module}/partner-ca.pem")
}

output "partner_verification_token" {
  value = ziti_ca.partner.verification_token
}

resource "ziti_ca_verification" "partner" {
  ca_id           = ziti_ca.partner.id
  certificate_pem = file("${path.module}/partner-verification.pem")
}
