resource "ziti_identity" "laptop" {
  name = "laptop-01"
}

# No jwt or token in state.
resource "ziti_enrollment" "laptop" {
  identity_id = ziti_identity.laptop.id
  method      = "ott"
  store_jwt   = false
}

# Read from the controller on every run, never stored.
ephemeral "ziti_enrollment_jwt" "laptop" {
  enrollment_id = ziti_enrollment.laptop.id
}

# Any write-only argument takes it: a secret store's, or a local file for
# the device to pick up.
resource "ziti_secret_file" "laptop_jwt" {
  path               = "${path.root}/out/laptop-01.jwt"
  content_wo         = ephemeral.ziti_enrollment_jwt.laptop.jwt
  content_wo_version = 1
}
