# The endpoint protection agent must be running.
resource "ziti_posture_check_process" "edr" {
  name = "edr-agent"
  process = {
    os_type            = "Windows"
    path               = "C:\\Program Files\\EDR\\agent.exe"
    signer_fingerprint = "0123456789abcdef0123456789abcdef01234567"
  }
  role_attributes = ["endpoint-protection"]
}
