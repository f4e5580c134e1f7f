# Service edge router policies are imported by id.
terraform import ziti_service_edge_router_policy.public 6K0ivJ3uLr
