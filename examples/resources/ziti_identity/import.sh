# Identities are imported by id.
terraform import ziti_identity.sensor 5kqXnJ3bQ
