# An application's own config type: its services carry a "ports" config that
# the application reads through the SDK.
resource "ziti_config_type" "ports" {
  name = "acme-ports.v1"
  schema = jsonencode({
    type     = "object"
    required = ["ports"]
    properties = {
      ports = { type = "array", items = { type = "integer", minimum = 1, maximum = 65535 } }
    }
  })
}
