# Every service may use every public edge router.
resource "ziti_service_edge_router_policy" "public" {
  name              = "all-services-public-routers"
  service_roles     = ["#all"]
  edge_router_roles = ["#public"]
}
