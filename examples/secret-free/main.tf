# A configuration whose state, saved plans and `terraform show -json` hold no
# private key, enrollment JWT, token or password (Terraform >= 1.11 or
# OpenTofu >= 1.11):
#
# - keys live in key files under keys/ (made on the first run, mode 0600)
#   and reach the resources only as write-only arguments, through the
#   ephemeral ziti_pki_private_key; the PKI resources keep the certificates
#   and each key's public-key fingerprint, so a wrong key is still refused;
# - enrollments and edge routers keep their JWT out of state (store_jwt,
#   store_enrollment_jwt = false); the ephemeral ziti_enrollment_jwt reads
#   it on each run and hands it to a write-only argument, here a 0600 file
#   for the device or router;
# - the admin password is an ephemeral variable (or ZITI_PASSWORD): saved
#   plans store the value of every other variable, sensitive or not.
#
# The secret-free state guide (docs/guides/secret-free-state.md) explains
# each choice; a test applies this directory with terraform and tofu and
# scans every artifact.

terraform {
  required_version = ">= 1.11"
  required_providers {
    ziti = {
      source = "zitiform/ziti"
    }
  }
}

provider "ziti" {
  endpoint = var.controller_endpoint
  username = var.admin_username
  password = var.admin_password
  ca_file  = var.controller_ca_file
}

# The device CA: its key is in keys/devices-ca.key, nowhere else.
ephemeral "ziti_pki_private_key" "devices_ca" {
  path = "${path.root}/keys/devices-ca.key"
}

resource "ziti_pki_ca" "devices" {
  name                       = "${var.name_prefix}-devices-ca"
  private_key_pem_wo         = ephemeral.ziti_pki_private_key.devices_ca.private_key_pem
  private_key_pem_wo_version = 1
}

# Registered and verified in the same apply; the key is write-only here too.
resource "ziti_ca" "devices" {
  name                         = "${var.name_prefix}-devices"
  cert_pem                     = ziti_pki_ca.devices.cert_pem
  is_ott_ca_enrollment_enabled = true
  is_auth_enabled              = true
  identity_roles               = ["devices"]

  ca_private_key_pem_wo         = ephemeral.ziti_pki_private_key.devices_ca.private_key_pem
  ca_private_key_pem_wo_version = 1
}

# A camera's certificate from the device CA, for its own key (which the
# camera would hold; here a key file).
ephemeral "ziti_pki_private_key" "camera" {
  path = "${path.root}/keys/camera.key"
}

resource "ziti_pki_client_cert" "camera" {
  name                              = "${var.name_prefix}-camera-01"
  private_key_pem_wo                = ephemeral.ziti_pki_private_key.camera.private_key_pem
  private_key_pem_wo_version        = 1
  issuer_cert_pem                   = ziti_pki_ca.devices.cert_pem
  issuer_private_key_pem_wo         = ephemeral.ziti_pki_private_key.devices_ca.private_key_pem
  issuer_private_key_pem_wo_version = 1
}

resource "ziti_identity" "camera" {
  name            = "${var.name_prefix}-camera-01"
  type            = "Device"
  role_attributes = ["devices", "cameras"]
}

resource "ziti_enrollment" "camera" {
  identity_id = ziti_identity.camera.id
  method      = "ottca"
  ca_id       = ziti_ca.devices.id
  store_jwt   = false
}

# A sensor enrolls with a one-time token that it picks up from a file.
resource "ziti_identity" "sensor" {
  name            = "${var.name_prefix}-sensor-01"
  type            = "Device"
  role_attributes = ["devices"]
}

resource "ziti_enrollment" "sensor" {
  identity_id = ziti_identity.sensor.id
  method      = "ott"
  duration    = var.token_lifetime
  store_jwt   = false
}

ephemeral "ziti_enrollment_jwt" "sensor" {
  enrollment_id = ziti_enrollment.sensor.id
}

resource "ziti_secret_file" "sensor_jwt" {
  path               = "${var.out_dir}/sensor-01.jwt"
  content_wo         = ephemeral.ziti_enrollment_jwt.sensor.jwt
  content_wo_version = 1
}

# An edge router: its enrollment JWT goes to a file for the router host.
resource "ziti_edge_router" "edge" {
  name                 = "${var.name_prefix}-edge-router-01"
  role_attributes      = ["public"]
  store_enrollment_jwt = false
}

ephemeral "ziti_enrollment_jwt" "edge" {
  edge_router_id = ziti_edge_router.edge.id
}

resource "ziti_secret_file" "edge_jwt" {
  path               = "${var.out_dir}/edge-router-01.jwt"
  content_wo         = ephemeral.ziti_enrollment_jwt.edge.jwt
  content_wo_version = 1
}
