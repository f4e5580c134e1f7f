variable "pki_root" {
  description = "Directory of the ziti pki tree (`ziti pki --pki-root`). Relative paths are taken from Terraform's working directory; the controller configuration uses absolute paths."
  type        = string
}

variable "names" {
  description = "Names of the CAs and certificates: common names and file names in the tree. The defaults are the seed's (`my-root-ca`, `my-external-ica`, ...)."
  type = object({
    root_ca        = optional(string, "my-root-ca")
    external_ica   = optional(string, "my-external-ica")
    network_ica    = optional(string, "my-network-ica")
    edge_ica       = optional(string, "my-edge-ica")
    signing_ica    = optional(string, "my-sign-ica")
    network_server = optional(string, "network-server")
    network_client = optional(string, "network-client")
    edge_server    = optional(string, "edge-server")
    edge_client    = optional(string, "edge-client")
  })
  default = {}
}

variable "dns_names" {
  description = "DNS names clients and routers use to reach the controller: SANs of both server certificates. The host of controller_advertised_address is added automatically."
  type        = list(string)
  default     = ["localhost"]
}

variable "ip_addresses" {
  description = "IP addresses clients and routers use to reach the controller: SANs of both server certificates."
  type        = list(string)
  default     = ["127.0.0.1"]
}

variable "key_algorithm" {
  description = "Key type of every key in the tree: EC-P256, EC-P384, EC-P521, RSA-2048, RSA-3072 or RSA-4096."
  type        = string
  default     = "EC-P256"
  validation {
    condition     = contains(["EC-P256", "EC-P384", "EC-P521", "RSA-2048", "RSA-3072", "RSA-4096"], var.key_algorithm)
    error_message = "key_algorithm must be one of EC-P256, EC-P384, EC-P521, RSA-2048, RSA-3072, RSA-4096."
  }
}

variable "ca_validity_hours" {
  description = "Lifetime of the CAs in hours."
  type        = number
  default     = 87600
}

variable "leaf_validity_hours" {
  description = "Lifetime of the server and client certificates in hours."
  type        = number
  default     = 8760
}

variable "early_renewal_hours" {
  description = "Re-issue the server and client certificates this many hours before they expire (the plan shows the replacement)."
  type        = number
  default     = 720
}

variable "subject" {
  description = "Subject fields besides the common name, for every certificate."
  type = object({
    organization        = optional(string)
    organizational_unit = optional(string)
    country             = optional(string)
    province            = optional(string)
    locality            = optional(string)
  })
  default = {}
}

variable "controller_advertised_address" {
  description = "host:port clients use for the Edge API (edge.api.address). Its host becomes a SAN of the edge server certificate. Point it at the controller or at a TCP-passthrough load balancer, never at a TLS-terminating proxy: the Edge API TLS key signs enrollment JWTs."
  type        = string
  default     = "localhost:1280"
  validation {
    condition     = can(regex("^(\\[[0-9A-Fa-f:.]+\\]|[^:/\\[\\]\\s]+):[0-9]{1,5}$", var.controller_advertised_address))
    error_message = "controller_advertised_address must be host:port without a scheme, e.g. \"ctrl.example.com:1280\" or \"[::1]:1280\"."
  }
}

variable "controller_bind_address" {
  description = "interface:port the Edge API listens on. Default: 0.0.0.0 and the advertised port."
  type        = string
  default     = null
}

variable "ctrl_listener" {
  description = "Control-plane listener for routers (ctrl.listener)."
  type        = string
  default     = "tls:0.0.0.0:6262"
}

variable "ctrl_advertise_address" {
  description = "Address routers use for the control plane (ctrl.options.advertiseAddress), e.g. \"tls:ctrl.example.com:6262\". Its host must be a SAN of the network server certificate (add it to dns_names or ip_addresses). Default: the host of controller_advertised_address and the port of ctrl_listener."
  type        = string
  default     = null
  validation {
    condition     = var.ctrl_advertise_address == null || can(regex("^tls:[^\\s:]+(:[^\\s:]+)*:[0-9]{1,5}$", var.ctrl_advertise_address))
    error_message = "ctrl_advertise_address must look like \"tls:ctrl.example.com:6262\"."
  }
}

variable "trust_domain" {
  description = "SPIFFE trust domain of the network (trustDomain), e.g. \"ziti.example.com\", without spiffe://. Default: none, and OpenZiti derives one from the root CA and warns at each start. Choose it before anything enrolls."
  type        = string
  default     = null
}

variable "db_path" {
  description = "Controller database path. Default: ctrl.db beside the PKI root."
  type        = string
  default     = null
}

variable "controller_config_path" {
  description = "Where the rendered controller configuration is written. Default: ctrl.yaml in the PKI root."
  type        = string
  default     = null
}

variable "write_ca_private_keys" {
  description = "Write the root and intermediate CA keys into the tree, as ziti pki does (needed to add certificates with ziti pki later). The signing ICA key is always written: the controller needs it."
  type        = bool
  default     = true
}
