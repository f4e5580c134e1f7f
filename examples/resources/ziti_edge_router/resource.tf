resource "ziti_edge_router" "edge_eu" {
  name                = "edge-eu-1"
  role_attributes     = ["public", "eu"]
  is_tunneler_enabled = true
  cost                = 10

  # Change a value to re-enroll the router in place: its certificate is
  # revoked and a new enrollment_jwt issued. Adding re_enroll to an enrolled
  # or imported router revokes nothing; only a later change does.
  re_enroll = {
    round = "1"
  }
}

resource "local_sensitive_file" "edge_eu_jwt" {
  filename = "${path.module}/edge-eu-1.jwt"
  content  = ziti_edge_router.edge_eu.enrollment_jwt
}
