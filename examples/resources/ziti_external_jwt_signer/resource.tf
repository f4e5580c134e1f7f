# Tokens of the company's OIDC provider, verified with its published keys.
resource "ziti_external_jwt_signer" "sso" {
  name              = "company-sso"
  issuer            = "https://login.example.com"
  audience          = "openziti"
  jwks_endpoint     = "https://login.example.com/.well-known/jwks.json"
  claims_property   = "email"
  use_external_id   = true
  external_auth_url = "https://login.example.com/authorize"
  client_id         = "openziti"
  scopes            = ["openid", "email"]
}

# A signer known by its certificate instead.
variable "batch_signer_cert_pem" {
  type        = string
  description = "The batch signer's certificate (PEM)."
}

resource "ziti_external_jwt_signer" "batch" {
  name     = "batch-jobs"
  issuer   = "batch.example.com"
  audience = "openziti"
  cert_pem = var.batch_signer_cert_pem
  kid      = "batch-2026"
}
