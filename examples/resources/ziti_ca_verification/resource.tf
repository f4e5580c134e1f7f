# When the CA key must not reach Terraform: register the CA without it, have
# the CA's owner sign a certificate with CN = verification_token, and submit
# that certificate.
variable "partner_ca_pem" {
  description = "The partner's CA certificate."
  type        = string
}

variable "partner_verification_pem" {
  description = "Signed by the partner's CA, CN = the verification token."
  type        = string
}

resource "ziti_ca" "partner" {
  name     = "partner-devices"
  cert_pem = var.partner_ca_pem
}

output "partner_verification_token" {
  value = ziti_ca.partner.verification_token
}

resource "ziti_ca_verification" "partner" {
  ca_id           = ziti_ca.partner.id
  certificate_pem = var.partner_verification_pem
}
