output "controller_config_path" {
  description = "Start the controller with this file: controllersrv run --config <path> (or ziti controller run <path>)."
  value       = module.pki.controller_config_path
}

output "cas_full_pem" {
  description = "Every CA of the tree: what clients trust (the provider's ca_pem in stage 2)."
  value       = module.pki.cas_full_pem
}

output "edge_server_fingerprint_sha1" {
  description = "kid of the enrollment JWTs the controller will sign: the SHA-1 of the Edge API TLS certificate."
  value       = module.pki.edge_server_fingerprint_sha1
}

output "pki_root" {
  description = "The ziti pki tree."
  value       = module.pki.pki_root
}

output "paths" {
  description = "Every file of the tree."
  value       = module.pki.paths
}
