# The controller PKI: one root, an external ICA, and below it one ICA per
# purpose. Each controller identity gets its own ICA:
#
#   root -> external ICA -> network ICA  (control plane: identity)
#                        -> edge ICA     (Edge API TLS: web[].identity; its key signs enrollment JWTs)
#                        -> signing ICA  (edge.enrollment.signingCert: signs enrolled certificates)

locals {
  n = var.names

  # The advertised host must be a SAN of the Edge API certificate.
  advertised_host = regex("^\\[?(.*?)\\]?:[0-9]+$", var.controller_advertised_address)[0]
  advertised_ip   = can(regex("^[0-9.]+$", local.advertised_host)) || strcontains(local.advertised_host, ":")
  dns_names       = distinct(concat(var.dns_names, local.advertised_ip ? [] : [local.advertised_host]))
  ip_addresses    = distinct(concat(var.ip_addresses, local.advertised_ip ? [local.advertised_host] : []))

  # Routers reach the control plane at the advertised host too, on the
  # listener's port; both server certificates carry that host. OpenZiti
  # cannot check an IPv6 advertise address against the certificate, so
  # there is no default for an IPv6 host.
  ctrl_port = regex(":([0-9]+)$", var.ctrl_listener)[0]
  ctrl_advertise_address = (var.ctrl_advertise_address != null ? var.ctrl_advertise_address :
  strcontains(local.advertised_host, ":") ? null : "tls:${local.advertised_host}:${local.ctrl_port}")

  pki_root    = abspath(var.pki_root)
  config_path = abspath(coalesce(var.controller_config_path, "${local.pki_root}/ctrl.yaml"))
  db_path     = coalesce(var.db_path, "${dirname(local.pki_root)}/ctrl.db")
}

resource "ziti_pki_ca" "root" {
  name                  = local.n.root_ca
  key_algorithm         = var.key_algorithm
  validity_period_hours = var.ca_validity_hours
  subject {
    organization        = var.subject.organization
    organizational_unit = var.subject.organizational_unit
    country             = var.subject.country
    province            = var.subject.province
    locality            = var.subject.locality
  }
}

resource "ziti_pki_intermediate" "external" {
  name                   = local.n.external_ica
  key_algorithm          = var.key_algorithm
  validity_period_hours  = var.ca_validity_hours
  issuer_cert_pem        = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem = ziti_pki_ca.root.private_key_pem
  subject {
    organization        = var.subject.organization
    organizational_unit = var.subject.organizational_unit
    country             = var.subject.country
    province            = var.subject.province
    locality            = var.subject.locality
  }
}

resource "ziti_pki_intermediate" "purpose" {
  for_each = {
    network = local.n.network_ica
    edge    = local.n.edge_ica
    signing = local.n.signing_ica
  }
  name                  = each.value
  key_algorithm         = var.key_algorithm
  validity_period_hours = var.ca_validity_hours
  # The network and edge ICAs only sign leaves; the signing ICA too: it
  # signs the certificates of enrolled identities and routers.
  max_path_length        = 0
  issuer_cert_pem        = ziti_pki_intermediate.external.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.external.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.external.ca_bundle_pem
  subject {
    organization        = var.subject.organization
    organizational_unit = var.subject.organizational_unit
    country             = var.subject.country
    province            = var.subject.province
    locality            = var.subject.locality
  }
}

resource "ziti_pki_server_cert" "server" {
  for_each = {
    network = local.n.network_server
    edge    = local.n.edge_server
  }
  name                   = each.value
  key_algorithm          = var.key_algorithm
  validity_period_hours  = var.leaf_validity_hours
  early_renewal_hours    = var.early_renewal_hours
  dns_names              = local.dns_names
  ip_addresses           = local.ip_addresses
  issuer_cert_pem        = ziti_pki_intermediate.purpose[each.key].cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.purpose[each.key].private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.purpose[each.key].ca_bundle_pem
  subject {
    organization        = var.subject.organization
    organizational_unit = var.subject.organizational_unit
    country             = var.subject.country
    province            = var.subject.province
    locality            = var.subject.locality
  }
}

# The client certificates share their server certificate's key, as
# `ziti pki create server|client --key-name` does: an OpenZiti identity has one
# `key` for `cert` and `server_cert`.
resource "ziti_pki_client_cert" "client" {
  for_each = {
    network = local.n.network_client
    edge    = local.n.edge_client
  }
  name                   = each.value
  private_key_pem        = ziti_pki_server_cert.server[each.key].private_key_pem
  validity_period_hours  = var.leaf_validity_hours
  early_renewal_hours    = var.early_renewal_hours
  issuer_cert_pem        = ziti_pki_intermediate.purpose[each.key].cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.purpose[each.key].private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.purpose[each.key].ca_bundle_pem
  subject {
    organization        = var.subject.organization
    organizational_unit = var.subject.organizational_unit
    country             = var.subject.country
    province            = var.subject.province
    locality            = var.subject.locality
  }
}

locals {
  # Every CA once, root last: what clients trust (the seed's cas-full.pem).
  cas_full_pem = join("", [
    ziti_pki_intermediate.purpose["network"].cert_pem,
    ziti_pki_intermediate.purpose["edge"].cert_pem,
    ziti_pki_intermediate.purpose["signing"].cert_pem,
    ziti_pki_intermediate.external.cert_pem,
    ziti_pki_ca.root.cert_pem,
  ])
}

resource "ziti_pki_directory" "pki" {
  pki_root = local.pki_root

  ca {
    name            = ziti_pki_ca.root.name
    cert_pem        = ziti_pki_ca.root.cert_pem
    ca_bundle_pem   = ziti_pki_ca.root.ca_bundle_pem
    private_key_pem = var.write_ca_private_keys ? ziti_pki_ca.root.private_key_pem : null
  }
  ca {
    name            = ziti_pki_intermediate.external.name
    cert_pem        = ziti_pki_intermediate.external.cert_pem
    chain_pem       = ziti_pki_intermediate.external.chain_pem
    ca_bundle_pem   = ziti_pki_intermediate.external.ca_bundle_pem
    private_key_pem = var.write_ca_private_keys ? ziti_pki_intermediate.external.private_key_pem : null
  }
  # Static keys keep the number of blocks known while the certificates are
  # not, so paths is known at plan time.
  dynamic "ca" {
    for_each = toset(["network", "edge", "signing"])
    content {
      name          = ziti_pki_intermediate.purpose[ca.key].name
      cert_pem      = ziti_pki_intermediate.purpose[ca.key].cert_pem
      chain_pem     = ziti_pki_intermediate.purpose[ca.key].chain_pem
      ca_bundle_pem = ziti_pki_intermediate.purpose[ca.key].ca_bundle_pem
      # The controller signs enrolled certificates with the signing ICA key.
      private_key_pem = (var.write_ca_private_keys || ca.key == "signing") ? ziti_pki_intermediate.purpose[ca.key].private_key_pem : null
    }
  }
  dynamic "leaf" {
    for_each = toset(["network", "edge"])
    content {
      ca              = ziti_pki_intermediate.purpose[leaf.key].name
      name            = ziti_pki_server_cert.server[leaf.key].name
      cert_pem        = ziti_pki_server_cert.server[leaf.key].cert_pem
      chain_pem       = ziti_pki_server_cert.server[leaf.key].chain_pem
      private_key_pem = ziti_pki_server_cert.server[leaf.key].private_key_pem
    }
  }
  dynamic "leaf" {
    for_each = toset(["network", "edge"])
    content {
      ca              = ziti_pki_intermediate.purpose[leaf.key].name
      name            = ziti_pki_client_cert.client[leaf.key].name
      cert_pem        = ziti_pki_client_cert.client[leaf.key].cert_pem
      chain_pem       = ziti_pki_client_cert.client[leaf.key].chain_pem
      private_key_pem = ziti_pki_client_cert.client[leaf.key].private_key_pem
    }
  }
  file {
    path    = "cas-full.pem"
    content = local.cas_full_pem
  }
}

locals {
  p = ziti_pki_directory.pki.paths
}

data "ziti_controller_config" "this" {
  identity = {
    cert        = local.p["${local.n.network_client}.cert"]
    server_cert = local.p["${local.n.network_server}.chain"]
    key         = local.p["${local.n.network_client}.key"]
    ca          = local.p["${local.n.network_ica}.cas"]
  }
  web_identity = {
    cert        = local.p["${local.n.edge_client}.cert"]
    server_cert = local.p["${local.n.edge_server}.chain"]
    key         = local.p["${local.n.edge_client}.key"]
    ca          = local.p["${local.n.edge_ica}.cas"]
  }
  signing_cert = {
    cert = local.p["${local.n.signing_ica}.chain"]
    key  = local.p["${local.n.signing_ica}.key"]
  }
  advertised_address     = var.controller_advertised_address
  bind_address           = var.controller_bind_address
  ctrl_listener          = var.ctrl_listener
  ctrl_advertise_address = local.ctrl_advertise_address
  trust_domain           = var.trust_domain
  db_path                = local.db_path
}

resource "ziti_pki_directory" "config" {
  pki_root = dirname(local.config_path)
  file {
    path    = basename(local.config_path)
    content = data.ziti_controller_config.this.yaml
  }
}
