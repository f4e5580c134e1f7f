data "ziti_edge_router_policies" "public" {
  filter = "name contains \"public\""
}

output "public_edge_router_policies" {
  value = data.ziti_edge_router_policies.public.ids
}
