resource "ziti_identity" "sensor" {
  name = "sensor-berlin-01"
  type = "Device"
}

# A one-time token: the device makes its own key and sends a CSR.
resource "ziti_enrollment" "sensor" {
  identity_id = ziti_identity.sensor.id
  method      = "ott"
  duration    = "72h"
  # Refresh the token in place when an unused one has less than a day left.
  renew_before = "24h"
  # Change a value to re-issue the token (a replacement), e.g. after it leaked.
  # Its first value only records itself: it replaces nothing.
  rotation = {
    issue = "1"
  }
}

# Hand the JWT to the device without printing it.
resource "local_sensitive_file" "sensor_jwt" {
  filename = "${path.module}/sensor-berlin-01.jwt"
  content  = ziti_enrollment.sensor.jwt
}

# A device that holds a certificate of a verified third-party CA.
data "ziti_ca" "devices" {
  name = "acme-devices"
}

resource "ziti_identity" "camera" {
  name = "camera-berlin-01"
  type = "Device"
}

resource "ziti_enrollment" "camera" {
  identity_id = ziti_identity.camera.id
  method      = "ottca"
  ca_id       = data.ziti_ca.devices.id
  expires_at  = "2030-01-01T00:00:00Z"
}

# A username/password login.
resource "ziti_identity" "ops" {
  name = "ops"
  type = "User"
}

resource "ziti_enrollment" "ops" {
  identity_id = ziti_identity.ops.id
  method      = "updb"
  username    = "ops"
}
