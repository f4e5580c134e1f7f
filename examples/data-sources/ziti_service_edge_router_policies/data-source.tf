data "ziti_service_edge_router_policies" "public" {
  filter = "name contains \"public\""
}

output "public_service_edge_router_policies" {
  value = data.ziti_service_edge_router_policies.public.ids
}
