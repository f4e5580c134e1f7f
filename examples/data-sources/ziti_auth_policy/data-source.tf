# The controller's built-in policy, which identities without an
# auth_policy_id use.
data "ziti_auth_policy" "default" {
  id = "default"
}

output "default_allows_passwords" {
  value = data.ziti_auth_policy.default.primary.updb.allowed
}
