# Stage 1 of the bootstrap walkthrough, offline: the controller PKI tree
# (root -> external ICA -> network, edge and signing ICAs, server and client
# certificates), written to disk in the `ziti pki` layout, and the controller
# configuration that wires its three identities. No controller is needed:
# the provider block is empty. Stage 2 (../stage2) then talks to the
# controller started with this configuration.

terraform {
  required_version = ">= 1.6"
  required_providers {
    ziti = {
      source = "zitiform/ziti"
    }
  }
}

provider "ziti" {}

locals {
  advertised_host = regex("^\\[?(.*?)\\]?:[0-9]+$", var.advertised_address)[0]
  # On loopback (the demo) listen where we advertise; elsewhere on all interfaces.
  loopback = contains(["127.0.0.1", "::1", "localhost"], local.advertised_host)
}

module "pki" {
  source = "../../../modules/pki"

  pki_root                      = var.pki_dir
  dns_names                     = var.dns_names
  ip_addresses                  = var.ip_addresses
  key_algorithm                 = var.key_algorithm
  controller_advertised_address = var.advertised_address
  controller_bind_address       = local.loopback ? var.advertised_address : null
  db_path                       = var.db_path
  subject = {
    organization = "zitiform demo"
  }
}
