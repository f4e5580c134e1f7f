# Service policies are imported by id.
terraform import ziti_service_policy.demo_dial 5oEbgSx5kF
