# Runs offline with the provider built from this repository (dev_overrides,
# see .ci/moduletest.sh). Files go below .terraform/, which git ignores; the
# test's destroy removes them again.

variables {
  pki_root                      = ".terraform/tftest/pki"
  dns_names                     = ["localhost", "ziti.example.com"]
  ip_addresses                  = ["127.0.0.1"]
  controller_advertised_address = "ctrl.example.com:1280"
  controller_bind_address       = "127.0.0.1:1280"
  trust_domain                  = "ziti.example.com"
}

run "tree" {
  command = apply

  # Chain relationships: each certificate's authority key id is its issuer's subject key id.
  assert {
    condition = alltrue([
      for pair in [
        ["my-external-ica", "my-root-ca"],
        ["my-network-ica", "my-external-ica"],
        ["my-edge-ica", "my-external-ica"],
        ["my-sign-ica", "my-external-ica"],
        ["network-server", "my-network-ica"],
        ["network-client", "my-network-ica"],
        ["edge-server", "my-edge-ica"],
        ["edge-client", "my-edge-ica"],
      ] : output.certificates[pair[0]].authority_key_id == output.certificates[pair[1]].subject_key_id
    ])
    error_message = "a certificate is not signed by the CA the seed tree puts above it"
  }
  assert {
    condition     = output.certificates["my-root-ca"].authority_key_id == ""
    error_message = "the root must be self-signed"
  }

  # Server chains: leaf + its ICA + external ICA, never the root.
  assert {
    condition = (
      startswith(output.edge_server_chain_pem, ziti_pki_server_cert.server["edge"].cert_pem) &&
      strcontains(output.edge_server_chain_pem, output.edge_ica_cert_pem) &&
      strcontains(output.edge_server_chain_pem, output.external_ica_cert_pem) &&
      !strcontains(output.edge_server_chain_pem, output.root_ca_cert_pem) &&
      !strcontains(output.edge_server_chain_pem, output.network_ica_cert_pem)
    )
    error_message = "edge_server_chain_pem must be edge-server, edge ICA, external ICA"
  }
  assert {
    condition     = output.signing_ica_chain_pem == "${output.signing_ica_cert_pem}${output.external_ica_cert_pem}"
    error_message = "the signing ICA chain must be the signing ICA followed by the external ICA"
  }
  assert {
    condition = alltrue([for c in [output.root_ca_cert_pem, output.external_ica_cert_pem, output.network_ica_cert_pem, output.edge_ica_cert_pem, output.signing_ica_cert_pem] :
    strcontains(output.cas_full_pem, c)]) && length(regexall("BEGIN CERTIFICATE", output.cas_full_pem)) == 5
    error_message = "cas_full_pem must hold each of the five CAs once"
  }

  # SANs: the configured names plus the advertised host, on both servers.
  assert {
    condition     = toset(output.certificates["edge-server"].dns_names) == toset(["localhost", "ziti.example.com", "ctrl.example.com"])
    error_message = "edge-server DNS SANs must be dns_names plus the advertised host"
  }
  assert {
    condition     = toset(output.certificates["network-server"].ip_addresses) == toset(["127.0.0.1"])
    error_message = "network-server IP SANs must be ip_addresses"
  }
  # One key per identity, shared by its server and client certificate.
  assert {
    condition     = ziti_pki_client_cert.client["edge"].private_key_pem == ziti_pki_server_cert.server["edge"].private_key_pem
    error_message = "edge-client must share the edge-server key (web.identity has one key)"
  }

  # The tree on disk.
  assert {
    condition     = alltrue([for p in values(output.paths) : fileexists(p)])
    error_message = "a file listed in paths was not written"
  }
  assert {
    condition     = file(output.paths["my-sign-ica.chain"]) == output.signing_ica_chain_pem && file(output.paths["cas-full.pem"]) == output.cas_full_pem
    error_message = "files on disk differ from the certificates"
  }
  assert {
    condition     = output.paths["edge-server.chain"] == "${output.pki_root}/my-edge-ica/certs/edge-server.chain.pem" && output.paths["my-edge-ica.cas"] == "${output.pki_root}/my-edge-ica/cas.pem"
    error_message = "the tree does not follow the ziti pki layout"
  }

  # The controller configuration: the three identities wired to the right ICAs.
  assert {
    condition     = yamldecode(file(output.controller_config_path)) == yamldecode(output.controller_config_yaml)
    error_message = "the controller configuration file differs from the rendered YAML"
  }
  assert {
    condition = (
      yamldecode(output.controller_config_yaml).v == 3 &&
      yamldecode(output.controller_config_yaml).identity.cert == output.paths["network-client.cert"] &&
      yamldecode(output.controller_config_yaml).identity.server_cert == output.paths["network-server.chain"] &&
      yamldecode(output.controller_config_yaml).identity.key == output.paths["network-client.key"] &&
      yamldecode(output.controller_config_yaml).identity.ca == output.paths["my-network-ica.cas"]
    )
    error_message = "identity must point at the network ICA tree"
  }
  assert {
    condition = (
      yamldecode(output.controller_config_yaml).web[0].identity.cert == output.paths["edge-client.cert"] &&
      yamldecode(output.controller_config_yaml).web[0].identity.server_cert == output.paths["edge-server.chain"] &&
      yamldecode(output.controller_config_yaml).web[0].identity.key == output.paths["edge-client.key"] &&
      yamldecode(output.controller_config_yaml).web[0].identity.ca == output.paths["my-edge-ica.cas"]
    )
    error_message = "web[0].identity must point at the edge ICA tree"
  }
  assert {
    condition = (
      yamldecode(output.controller_config_yaml).edge.enrollment.signingCert.cert == output.paths["my-sign-ica.chain"] &&
      yamldecode(output.controller_config_yaml).edge.enrollment.signingCert.key == output.paths["my-sign-ica.key"]
    )
    error_message = "edge.enrollment.signingCert must point at the signing ICA"
  }
  assert {
    condition = (
      yamldecode(output.controller_config_yaml).edge.api.address == "ctrl.example.com:1280" &&
      yamldecode(output.controller_config_yaml).web[0].bindPoints[0].address == "ctrl.example.com:1280" &&
      yamldecode(output.controller_config_yaml).web[0].bindPoints[0].interface == "127.0.0.1:1280" &&
      yamldecode(output.controller_config_yaml).db == "${dirname(output.pki_root)}/ctrl.db"
    )
    error_message = "addresses or db path wrong in the controller configuration"
  }
  # Routers are told the advertised host on the control-plane port; what a
  # real OpenZiti controller needs beside the Edge API is there.
  assert {
    condition = (
      output.ctrl_advertise_address == "tls:ctrl.example.com:6262" &&
      yamldecode(output.controller_config_yaml).ctrl.options.advertiseAddress == "tls:ctrl.example.com:6262" &&
      yamldecode(output.controller_config_yaml).trustDomain == "ziti.example.com" &&
      contains([for a in yamldecode(output.controller_config_yaml).web[0].apis : a.binding], "edge-oidc")
    )
    error_message = "ctrl.options.advertiseAddress, trustDomain or the edge-oidc binding is missing from the controller configuration"
  }
}

run "no_ca_keys_on_disk" {
  command = apply
  variables {
    pki_root              = ".terraform/tftest/pki-nokeys"
    write_ca_private_keys = false
    key_algorithm         = "EC-P384"
  }
  assert {
    condition     = !contains(keys(output.paths), "my-root-ca.key") && !contains(keys(output.paths), "my-external-ica.key") && fileexists(output.paths["my-sign-ica.key"])
    error_message = "only the signing ICA key may be written when write_ca_private_keys = false"
  }
  assert {
    condition     = ziti_pki_ca.root.key_algorithm == "EC-P384" && ziti_pki_client_cert.client["network"].key_algorithm == "EC-P384"
    error_message = "key_algorithm must apply to every key"
  }
}

run "advertised_ip" {
  command = plan
  variables {
    pki_root                      = ".terraform/tftest/pki-ip"
    controller_advertised_address = "[::1]:1280"
  }
  assert {
    condition     = contains(ziti_pki_server_cert.server["edge"].ip_addresses, "::1") && !contains(ziti_pki_server_cert.server["edge"].dns_names, "::1")
    error_message = "an advertised IP must become an IP SAN"
  }
  # OpenZiti checks the control-plane advertise host against the certificate
  # by splitting at the first ':', so an IPv6 host gets no default.
  assert {
    condition     = output.ctrl_advertise_address == null
    error_message = "an IPv6 advertised host must not become a default ctrl_advertise_address"
  }
}

run "ctrl_advertise_address_set" {
  command = plan
  variables {
    pki_root               = ".terraform/tftest/pki-ctrl"
    ctrl_advertise_address = "tls:routers.example.com:443"
    dns_names              = ["localhost", "routers.example.com"]
  }
  assert {
    condition     = output.ctrl_advertise_address == "tls:routers.example.com:443"
    error_message = "ctrl_advertise_address must be used as given"
  }
}

run "advertised_address_with_scheme_is_rejected" {
  command = plan
  variables {
    controller_advertised_address = "https://ctrl.example.com:1280"
  }
  expect_failures = [var.controller_advertised_address]
}
