resource "ziti_identity" "laptop" {
  name = "laptop-01"
}

resource "ziti_enrollment" "laptop" {
  identity_id = ziti_identity.laptop.id
  method      = "ott"
  store_jwt   = false
}

ephemeral "ziti_enrollment_jwt" "laptop" {
  enrollment_id = ziti_enrollment.laptop.id
}

# Mode 0600; the state keeps the path only.
resource "ziti_secret_file" "laptop_jwt" {
  path               = "${path.root}/out/laptop-01.jwt"
  content_wo         = ephemeral.ziti_enrollment_jwt.laptop.jwt
  content_wo_version = 1 # change it to write the current JWT again
}
