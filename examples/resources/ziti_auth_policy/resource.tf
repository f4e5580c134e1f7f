# Contractors log in with the company's SSO only, never with a password or
# an expired certificate.
resource "ziti_external_jwt_signer" "sso" {
  name          = "company-sso"
  issuer        = "https://login.example.com"
  audience      = "openziti"
  jwks_endpoint = "https://login.example.com/.well-known/jwks.json"
}

resource "ziti_auth_policy" "contractors" {
  name = "contractors"
  primary = {
    cert    = { allowed = true, allow_expired_certs = false }
    ext_jwt = { allowed = true, allowed_signers = [ziti_external_jwt_signer.sso.id] }
    updb    = { allowed = false }
  }
  secondary = {
    require_totp = true
  }
}

resource "ziti_identity" "contractor" {
  name           = "contractor-1"
  auth_policy_id = ziti_auth_policy.contractors.id
}

# Passwords with a lockout: five wrong ones in a row lock the identity for
# 30 minutes. What is not set keeps the default policy's value.
resource "ziti_auth_policy" "passwords" {
  name = "passwords"
  primary = {
    updb = {
      max_attempts             = 5
      lockout_duration_minutes = 30
      min_password_length      = 12
      require_mixed_case       = true
      require_number_char      = true
    }
  }
}
