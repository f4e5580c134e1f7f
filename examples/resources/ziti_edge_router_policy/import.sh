# Edge router policies are imported by id.
terraform import ziti_edge_router_policy.public 2lHKtOW1UT
