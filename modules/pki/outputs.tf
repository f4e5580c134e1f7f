output "root_ca_cert_pem" {
  description = "Root CA certificate: the trust anchor."
  value       = ziti_pki_ca.root.cert_pem
}

output "root_ca_private_key_pem" {
  description = "Root CA private key."
  value       = ziti_pki_ca.root.private_key_pem
  sensitive   = true
}

output "external_ica_cert_pem" {
  description = "External ICA certificate."
  value       = ziti_pki_intermediate.external.cert_pem
}

output "network_ica_cert_pem" {
  description = "Network-components ICA certificate (control plane)."
  value       = ziti_pki_intermediate.purpose["network"].cert_pem
}

output "edge_ica_cert_pem" {
  description = "Edge ICA certificate (Edge API TLS)."
  value       = ziti_pki_intermediate.purpose["edge"].cert_pem
}

output "signing_ica_cert_pem" {
  description = "Signing ICA certificate (edge.enrollment.signingCert)."
  value       = ziti_pki_intermediate.purpose["signing"].cert_pem
}

output "signing_ica_chain_pem" {
  description = "Signing ICA chain (it and the external ICA): the signingCert.cert file."
  value       = ziti_pki_intermediate.purpose["signing"].chain_pem
}

output "signing_ica_private_key_pem" {
  description = "Signing ICA private key."
  value       = ziti_pki_intermediate.purpose["signing"].private_key_pem
  sensitive   = true
}

output "network_server_chain_pem" {
  description = "Control-plane server certificate chain (identity.server_cert)."
  value       = ziti_pki_server_cert.server["network"].chain_pem
}

output "network_client_cert_pem" {
  description = "Control-plane client certificate (identity.cert)."
  value       = ziti_pki_client_cert.client["network"].cert_pem
}

output "network_private_key_pem" {
  description = "Key of the control-plane server and client certificates (identity.key)."
  value       = ziti_pki_server_cert.server["network"].private_key_pem
  sensitive   = true
}

output "edge_server_chain_pem" {
  description = "Edge API server certificate chain (web[].identity.server_cert): the certificate clients must see, and whose key signs enrollment JWTs."
  value       = ziti_pki_server_cert.server["edge"].chain_pem
}

output "edge_client_cert_pem" {
  description = "Edge client certificate (web[].identity.cert)."
  value       = ziti_pki_client_cert.client["edge"].cert_pem
}

output "edge_private_key_pem" {
  description = "Key of the Edge API server and client certificates (web[].identity.key)."
  value       = ziti_pki_server_cert.server["edge"].private_key_pem
  sensitive   = true
}

output "edge_server_fingerprint_sha1" {
  description = "SHA-1 of the Edge API TLS certificate: the `kid` of the enrollment JWTs the controller will sign."
  value       = ziti_pki_server_cert.server["edge"].fingerprint_sha1
}

output "cas_full_pem" {
  description = "Every CA of the tree (network, edge, signing, external ICA, root): what clients and routers trust. Also written to <pki_root>/cas-full.pem."
  value       = local.cas_full_pem
}

output "certificates" {
  description = "Per certificate name: fingerprints, key ids (a child's authority_key_id is its issuer's subject_key_id), SANs and validity."
  value = {
    for c in concat(
      [ziti_pki_ca.root, ziti_pki_intermediate.external],
      values(ziti_pki_intermediate.purpose),
      values(ziti_pki_server_cert.server),
      values(ziti_pki_client_cert.client),
      ) : c.name => {
      fingerprint_sha1   = c.fingerprint_sha1
      fingerprint_sha256 = c.fingerprint_sha256
      subject_key_id     = c.subject_key_id
      authority_key_id   = c.authority_key_id
      dns_names          = try(c.dns_names, null)
      ip_addresses       = try(c.ip_addresses, null)
      validity_end_time  = c.validity_end_time
      ready_for_renewal  = c.ready_for_renewal
    }
  }
}

output "pki_root" {
  description = "Absolute PKI root."
  value       = ziti_pki_directory.pki.id
}

output "paths" {
  description = "Absolute path of every file in the tree, keyed <name>.cert, <name>.chain, <name>.key, <ca>.cas and cas-full.pem (see ziti_pki_directory)."
  value       = ziti_pki_directory.pki.paths
}

output "controller_config_yaml" {
  description = "The rendered OpenZiti controller configuration."
  value       = data.ziti_controller_config.this.yaml
}

output "ctrl_advertise_address" {
  description = "Where routers reach the control plane (ctrl.options.advertiseAddress), or null when not set."
  value       = local.ctrl_advertise_address
}

output "controller_config_path" {
  description = "Where the controller configuration was written."
  value       = ziti_pki_directory.config.paths[basename(local.config_path)]
}
