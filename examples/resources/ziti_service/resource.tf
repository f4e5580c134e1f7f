data "ziti_config_type" "intercept" {
  name = "intercept.v1"
}

data "ziti_config_type" "host" {
  name = "host.v1"
}

# What clients dial: echo.ziti:7 through their tunneler.
resource "ziti_config" "echo_intercept" {
  name           = "echo-intercept"
  config_type_id = data.ziti_config_type.intercept.id
  data = jsonencode({
    protocols  = ["tcp"]
    addresses  = ["echo.ziti"]
    portRanges = [{ low = 7, high = 7 }]
  })
}

# Where the hosting tunneler sends the traffic.
resource "ziti_config" "echo_host" {
  name           = "echo-host"
  config_type_id = data.ziti_config_type.host.id
  data = jsonencode({
    protocol = "tcp"
    address  = "127.0.0.1"
    port     = 7007
  })
}

resource "ziti_service" "echo" {
  name            = "echo"
  configs         = [ziti_config.echo_intercept.id, ziti_config.echo_host.id]
  role_attributes = ["demo"]
}
