# A self-signed root CA. No controller is needed: `provider "ziti" {}` is enough.
resource "ziti_pki_ca" "root" {
  name = "my-root-ca"
  subject {
    organization = "Example Inc"
    country      = "US"
  }
  # 10 years (the default); renew 30 days before the end.
  validity_period_hours = 87600
  early_renewal_hours   = 720
}
