data "ziti_service_edge_router_policy" "public" {
  name = "all-services-public-routers"
}

output "public_service_roles" {
  value = data.ziti_service_edge_router_policy.public.service_roles
}
