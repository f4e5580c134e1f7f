# A device identity and its one-time enrollment token, against the controller
# that `controllersrv quickstart --home ./ctrl-home` runs next to this directory.

terraform {
  required_providers {
    ziti = {
      source = "zitiform/ziti"
    }
  }
}

variable "controller" {
  type    = string
  default = "https://127.0.0.1:1280"
}

provider "ziti" {
  endpoint = var.controller
  username = "admin"
  # The password comes from ZITI_PASSWORD.
  ca_file = "${path.module}/../ctrl-home/pki/cas.pem"
}

# Fails the plan when something in front of the controller terminates TLS,
# which would make every enrollment fail (see the load balancer guide).
data "ziti_controller_check" "this" {
  endpoint         = var.controller
  fail_on_problems = true
}

resource "ziti_identity" "laptop" {
  name            = "laptop-01"
  role_attributes = ["laptops"]
}

resource "ziti_enrollment" "laptop" {
  identity_id = ziti_identity.laptop.id
  method      = "ott"
  duration    = "24h"
}

output "laptop_jwt" {
  value     = ziti_enrollment.laptop.jwt
  sensitive = true
}

output "laptop_consumed" {
  value = ziti_enrollment.laptop.consumed
}
