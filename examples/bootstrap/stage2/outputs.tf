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
    { (ziti_identity.app_server.name) = ziti_identity.app_server.id },
    { for k, v in ziti_identity.device : v.name => v.id },
  )
}

output "enrollments" {
  description = "Method, expiry and whether each token has been used."
  value = merge(
    { admin = { method = ziti_enrollment.admin.method, expires_at = ziti_enrollment.admin.expires_at, consumed = ziti_enrollment.admin.consumed } },
    { camera = { method = ziti_enrollment.camera.method, expires_at = ziti_enrollment.camera.expires_at, consumed = ziti_enrollment.camera.consumed } },
    { app_server = { method = ziti_enrollment.app_server.method, expires_at = ziti_enrollment.app_server.expires_at, consumed = ziti_enrollment.app_server.consumed } },
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

output "services" {
  description = "The services on the controller, with their configs and role attributes."
  value = { for s in data.ziti_services.demo.services : s.name => {
    id              = s.id
    configs         = sort([for id in s.configs : lookup(local.config_names, id, id)])
    role_attributes = s.role_attributes
  } }
}

output "policies" {
  description = "Who may dial or bind which service, and over which edge routers, as the controller lists them."
  value = merge(
    { for p in data.ziti_service_policies.demo.service_policies :
    p.name => "${p.type}: identities ${join(", ", p.identity_roles)} -> services ${join(", ", p.service_roles)}" },
    { for p in data.ziti_edge_router_policies.demo.edge_router_policies :
    p.name => "edge routers: identities ${join(", ", p.identity_roles)} -> routers ${join(", ", p.edge_router_roles)}" },
    { for p in data.ziti_service_edge_router_policies.demo.service_edge_router_policies :
    p.name => "service edge routers: services ${join(", ", p.service_roles)} -> routers ${join(", ", p.edge_router_roles)}" },
  )
}

output "app_server_jwt" {
  value     = ziti_enrollment.app_server.jwt
  sensitive = true
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
