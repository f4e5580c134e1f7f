output "edge_api_address" {
  description = "Set the controller's edge.api.address (and web bindPoints advertise address) to this: enrollment JWTs then name this host as issuer, and clients find the controller's own certificate there."
  value       = module.nlb.edge_api_address
}

output "control_plane_address" {
  description = "The ctrl advertise address routers connect to."
  value       = module.nlb.control_plane_address
}

output "cert_dns_names" {
  description = "DNS SANs issued into the controller certificates."
  value       = module.nlb.cert_dns_names
}

output "nlb_dns_name" {
  description = "The NLB's own DNS name."
  value       = module.nlb.lb_dns_name
}

output "controller_config_path" {
  description = "The rendered controller configuration (edge.api.address = edge_api_address, certificates with the NLB names as SANs)."
  value       = module.pki.controller_config_path
}
