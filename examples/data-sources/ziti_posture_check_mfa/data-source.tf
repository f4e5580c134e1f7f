data "ziti_posture_check_mfa" "admin" {
  name = "admin-mfa"
}

output "mfa_timeout" {
  value = data.ziti_posture_check_mfa.admin.timeout_seconds
}
