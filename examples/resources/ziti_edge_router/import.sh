# Edge routers are imported by id.
terraform import ziti_edge_router.edge_eu Hq1dK9vVb
