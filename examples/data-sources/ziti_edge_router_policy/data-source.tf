data "ziti_edge_router_policy" "public" {
  name = "all-identities-public-routers"
}

output "public_router_roles" {
  value = data.ziti_edge_router_policy.public.edge_router_roles
}
