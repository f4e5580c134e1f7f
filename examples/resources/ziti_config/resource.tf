data "ziti_config_type" "intercept" {
  name = "intercept.v1"
}

# Clients' tunnelers intercept web.ziti:80 and 443.
resource "ziti_config" "web_intercept" {
  name           = "web-intercept"
  config_type_id = data.ziti_config_type.intercept.id
  data = jsonencode({
    protocols  = ["tcp"]
    addresses  = ["web.ziti"]
    portRanges = [{ low = 80, high = 80 }, { low = 443, high = 443 }]
  })
}
