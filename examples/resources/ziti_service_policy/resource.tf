resource "ziti_service" "echo" {
  name            = "echo"
  role_attributes = ["demo"]
}

resource "ziti_identity" "echo_server" {
  name            = "echo-server"
  role_attributes = ["echo-hosts"]
}

# The echo server's identity hosts the service.
resource "ziti_service_policy" "echo_bind" {
  name           = "echo-bind"
  type           = "Bind"
  identity_roles = ["@${ziti_identity.echo_server.id}"]
  service_roles  = ["@${ziti_service.echo.id}"]
}

# Every identity with the "devices" role attribute may dial every service
# with the "demo" role attribute.
resource "ziti_service_policy" "demo_dial" {
  name           = "demo-dial"
  type           = "Dial"
  semantic       = "AnyOf"
  identity_roles = ["#devices"]
  service_roles  = ["#demo"]
}
