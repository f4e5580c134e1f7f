resource "ziti_identity" "sensor" {
  name            = "sensor-berlin-01"
  type            = "Device"
  role_attributes = ["sensors", "berlin"]
  external_id     = "spiffe://acme/sensor-berlin-01"
  tags = {
    owner = "iot-team"
  }
}

resource "ziti_identity" "ops_admin" {
  name     = "ops-admin"
  type     = "User"
  is_admin = true
}
