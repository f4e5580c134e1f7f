# Devices must be joined to the corporate Windows domain.
resource "ziti_posture_check_domain" "corp" {
  name            = "corp-domain"
  domains         = ["corp.example.com"]
  role_attributes = ["managed-devices"]
}
