# A Ziti controller behind an AWS Network Load Balancer (TCP passthrough),
# with its PKI issued for exactly the names and addresses clients use.
#
# modules/aws-nlb decides how clients reach the controller (the Route 53
# alias, the NLB's own name, fixed addresses); modules/pki puts those names
# into the controller's server certificates, so that the certificate the
# controller presents through the NLB matches the address in every
# enrollment JWT.

terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.72, < 7.0"
    }
    ziti = {
      source  = "zitiform/ziti"
      version = ">= 0.1.0"
    }
  }
}

provider "aws" {
  region = var.region
}

# The PKI resources work without a controller: no provider configuration.
provider "ziti" {}

module "nlb" {
  source = "../../modules/aws-nlb"

  name       = var.name
  vpc_id     = var.vpc_id
  subnet_ids = var.subnet_ids

  targets                  = [for id in var.controller_instance_ids : { id = id }]
  target_security_group_id = var.controller_security_group_id
  allowed_cidrs            = var.allowed_cidrs

  edge_api_port      = 1280
  control_plane_port = 6262

  route53_zone_id = var.route53_zone_id
  dns_name        = var.dns_name

  enable_deletion_protection = true
  tags                       = var.tags
}

module "pki" {
  source = "../../modules/pki"

  # Every name and address a client may use to reach the controller through
  # the NLB; the web (Edge API) and control-plane server certificates carry
  # them as SANs.
  dns_names    = module.nlb.cert_dns_names
  ip_addresses = module.nlb.cert_ip_addresses

  # The Edge API address in the controller config (and so the issuer of
  # every enrollment JWT) is the name clients resolve to the NLB.
  controller_advertised_address = module.nlb.edge_api_address

  # Where the ziti pki tree and the controller configuration are written,
  # to be copied to the controller hosts.
  pki_root = var.pki_root
}
