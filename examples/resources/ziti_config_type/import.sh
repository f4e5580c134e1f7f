# Config types are imported by id.
terraform import ziti_config_type.ports 7AnuWKsXk3
