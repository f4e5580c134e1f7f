data "ziti_identity" "admin" {
  name = "Default Admin"
}

output "admin_id" {
  value = data.ziti_identity.admin.id
}
