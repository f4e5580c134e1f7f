# Stage 2 of the bootstrap walkthrough: against the controller that stage 1's
# PKI and config describe, register a third-party device CA (verified in the
# same apply), an admin, device identities with enrollment tokens, an edge
# router and (services.tf) a service the devices may dial, with its configs
# and policies. `make demo` runs both stages on loopback.

terraform {
  required_version = ">= 1.11" # write-only arguments (ziti_ca.ca_private_key_pem_wo)
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
  ca_pem   = var.controller_ca_pem
}

# Fails the plan, before any token is handed out, when the endpoint is
# behind something that terminates TLS (enrollment would fail later with
# "token signature is invalid").
data "ziti_controller_check" "this" {
  endpoint         = var.controller_endpoint
  fail_on_problems = var.check_passthrough
}

data "ziti_controller_version" "this" {}

# The devices' own PKI. In production this is the manufacturer's or your
# device CA; here it is made offline by the provider so the demo is
# self-contained.
resource "ziti_pki_ca" "devices" {
  name = "${var.name_prefix}-devices-root"
  subject {
    organization = "Demo devices"
  }
}

# Registered as a third-party CA and verified in the same apply: the private
# key is a write-only argument and never reaches stage 2's state through
# this resource.
resource "ziti_ca" "devices" {
  name                         = "${var.name_prefix}-devices"
  cert_pem                     = ziti_pki_ca.devices.cert_pem
  is_ott_ca_enrollment_enabled = true
  is_auth_enabled              = true
  identity_roles               = ["devices"]
  identity_name_format         = "[caName]-[commonName]"

  ca_private_key_pem_wo         = ziti_pki_ca.devices.private_key_pem
  ca_private_key_pem_wo_version = 1
}

resource "ziti_identity" "admin" {
  name     = "${var.name_prefix}-admin"
  type     = "User"
  is_admin = true
}

resource "ziti_enrollment" "admin" {
  identity_id = ziti_identity.admin.id
  method      = "ott"
  duration    = var.token_lifetime
}

resource "ziti_identity" "device" {
  for_each        = toset(var.devices)
  name            = "${var.name_prefix}-${each.key}"
  type            = "Device"
  role_attributes = ["devices"]
}

resource "ziti_enrollment" "device" {
  for_each     = ziti_identity.device
  identity_id  = each.value.id
  method       = "ott"
  duration     = var.token_lifetime
  renew_before = "2h"
}

# A device that already holds a certificate of the third-party CA enrolls
# with it (ottca): no new key, no CSR.
resource "ziti_identity" "camera" {
  name            = "${var.name_prefix}-camera-01"
  type            = "Device"
  role_attributes = ["devices", "cameras"]
}

resource "ziti_enrollment" "camera" {
  identity_id = ziti_identity.camera.id
  method      = "ottca"
  ca_id       = ziti_ca.devices.id
  duration    = var.token_lifetime
}

# The camera's certificate, issued by the device CA (what the camera was
# shipped with).
resource "ziti_pki_client_cert" "camera" {
  name                   = "${var.name_prefix}-camera-01"
  issuer_cert_pem        = ziti_pki_ca.devices.cert_pem
  issuer_private_key_pem = ziti_pki_ca.devices.private_key_pem
}

resource "ziti_edge_router" "edge" {
  name                = "${var.name_prefix}-edge-router-01"
  role_attributes     = ["public"]
  is_tunneler_enabled = true
}
