output "controller_version" {
  value = data.ziti_controller_version.this.version
}

output "devices_ca" {
  value = {
    id          = ziti_ca.devices.id
    is_verified = ziti_ca.devices.is_verified
    fingerprint = ziti_ca.devices.fingerprint
  }
}

output "identities" {
  value = merge(
    { (ziti_identity.admin.name) = ziti_identity.admin.id, (ziti_identity.camera.name) = ziti_identity.camera.id },
    { for k, v in ziti_identity.device : v.name => v.id },
  )
}

output "enrollments" {
  description = "Method, expiry and whether each token has been used."
  value = merge(
    { admin = { method = ziti_enrollment.admin.method, expires_at = ziti_enrollment.admin.expires_at, consumed = ziti_enrollment.admin.consumed } },
    { camera = { method = ziti_enrollment.camera.method, expires_at = ziti_enrollment.camera.expires_at, consumed = ziti_enrollment.camera.consumed } },
    { for k, v in ziti_enrollment.device : k => { method = v.method, expires_at = v.expires_at, consumed = v.consumed } },
  )
}

output "edge_router" {
  value = {
    id                    = ziti_edge_router.edge.id
    is_verified           = ziti_edge_router.edge.is_verified
    enrollment_expires_at = ziti_edge_router.edge.enrollment_expires_at
  }
}

# Tokens, for handing to devices: `terraform output -raw device_jwts` is
# refused for maps; use `terraform output -json device_jwts`.
output "device_jwts" {
  value     = { for k, v in ziti_enrollment.device : k => v.jwt }
  sensitive = true
}

output "admin_jwt" {
  value     = ziti_enrollment.admin.jwt
  sensitive = true
}

output "camera_jwt" {
  value     = ziti_enrollment.camera.jwt
  sensitive = true
}

output "edge_router_jwt" {
  value     = ziti_edge_router.edge.enrollment_jwt
  sensitive = true
}

output "camera_cert_pem" {
  value = ziti_pki_client_cert.camera.chain_pem
}

output "camera_key_pem" {
  value     = ziti_pki_client_cert.camera.private_key_pem
  sensitive = true
}
