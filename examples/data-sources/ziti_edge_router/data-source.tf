data "ziti_edge_router" "edge_eu" {
  name = "edge-eu-1"
}

output "edge_eu_online" {
  value = data.ziti_edge_router.edge_eu.is_online
}
