# Services are imported by id.
terraform import ziti_service.echo 4hRAQAvOZR
