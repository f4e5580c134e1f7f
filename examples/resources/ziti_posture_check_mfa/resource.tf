# A TOTP code at login, again every 4 hours and when the device wakes or is unlocked.
resource "ziti_posture_check_mfa" "admin" {
  name             = "admin-mfa"
  timeout_seconds  = 14400
  prompt_on_wake   = true
  prompt_on_unlock = true
  role_attributes  = ["mfa"]
}
