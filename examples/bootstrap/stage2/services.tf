# The service layer: what the devices may reach, who hosts it and over
# which edge routers. Policies select identities, services and routers by
# role attribute (#attribute), by id or name (@...) or all of them (#all).

data "ziti_config_type" "intercept" {
  name = "intercept.v1"
}

data "ziti_config_type" "host" {
  name = "host.v1"
}

# The application the devices report to, hosted by the app server's
# tunneler (ziti tunnel host, ziti-edge-tunnel) next to it.
resource "ziti_identity" "app_server" {
  name            = "${var.name_prefix}-app-server"
  type            = "Device"
  role_attributes = ["app-hosts"]
}

resource "ziti_enrollment" "app_server" {
  identity_id = ziti_identity.app_server.id
  method      = "ott"
  duration    = var.token_lifetime
}

# What a device's tunneler intercepts: telemetry.ziti:443.
resource "ziti_config" "telemetry_intercept" {
  name           = "${var.name_prefix}-telemetry-intercept"
  config_type_id = data.ziti_config_type.intercept.id
  data = jsonencode({
    protocols  = ["tcp"]
    addresses  = ["telemetry.ziti"]
    portRanges = [{ low = 443, high = 443 }]
  })
}

# Where the app server's tunneler sends that traffic.
resource "ziti_config" "telemetry_host" {
  name           = "${var.name_prefix}-telemetry-host"
  config_type_id = data.ziti_config_type.host.id
  data = jsonencode({
    protocol = "tcp"
    address  = "127.0.0.1"
    port     = 8443
  })
}

resource "ziti_service" "telemetry" {
  name            = "${var.name_prefix}-telemetry"
  configs         = [ziti_config.telemetry_intercept.id, ziti_config.telemetry_host.id]
  role_attributes = ["telemetry"]
}

# The app server hosts the service; every device may dial it.
resource "ziti_service_policy" "telemetry_bind" {
  name           = "${var.name_prefix}-telemetry-bind"
  type           = "Bind"
  identity_roles = ["#app-hosts"]
  service_roles  = ["#telemetry"]
}

resource "ziti_service_policy" "telemetry_dial" {
  name           = "${var.name_prefix}-telemetry-dial"
  type           = "Dial"
  identity_roles = ["#devices"]
  service_roles  = ["#telemetry"]
}

# Devices and the app server connect through the public edge routers, and
# the service may be carried by them.
resource "ziti_edge_router_policy" "public" {
  name              = "${var.name_prefix}-public-routers"
  identity_roles    = ["#devices", "#app-hosts"]
  edge_router_roles = ["#public"]
}

resource "ziti_service_edge_router_policy" "telemetry" {
  name              = "${var.name_prefix}-telemetry-routers"
  service_roles     = ["#telemetry"]
  edge_router_roles = ["#public"]
}

# What the controller holds now, listed back (read after the changes above):
# the services and policies outputs come from these lists.
locals {
  demo_filter  = "name contains \"${var.name_prefix}-\""
  config_names = { for c in data.ziti_configs.demo.configs : c.id => c.name }
}

data "ziti_configs" "demo" {
  filter     = local.demo_filter
  depends_on = [ziti_config.telemetry_intercept, ziti_config.telemetry_host]
}

data "ziti_services" "demo" {
  filter     = local.demo_filter
  depends_on = [ziti_service.telemetry]
}

data "ziti_service_policies" "demo" {
  filter     = local.demo_filter
  depends_on = [ziti_service_policy.telemetry_bind, ziti_service_policy.telemetry_dial]
}

data "ziti_edge_router_policies" "demo" {
  filter     = local.demo_filter
  depends_on = [ziti_edge_router_policy.public]
}

data "ziti_service_edge_router_policies" "demo" {
  filter     = local.demo_filter
  depends_on = [ziti_service_edge_router_policy.telemetry]
}
