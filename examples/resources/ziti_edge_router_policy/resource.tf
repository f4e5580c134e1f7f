# Every identity may use every public edge router.
resource "ziti_edge_router_policy" "public" {
  name              = "all-identities-public-routers"
  identity_roles    = ["#all"]
  edge_router_roles = ["#public"]
}
