variable "pki_dir" {
  description = "Where the ziti pki tree and ctrl.yaml are written."
  type        = string
  default     = "pki"
}

variable "advertised_address" {
  description = "host:port clients use to reach the controller's Edge API. Its host becomes a SAN of the Edge API certificate. Expose it directly or through TCP passthrough only."
  type        = string
  default     = "127.0.0.1:1280"
}

variable "dns_names" {
  description = "DNS names of the controller (SANs of its server certificates)."
  type        = list(string)
  default     = ["localhost"]
}

variable "ip_addresses" {
  description = "IP addresses of the controller (SANs of its server certificates)."
  type        = list(string)
  default     = ["127.0.0.1"]
}

variable "key_algorithm" {
  description = "Key type of the whole tree."
  type        = string
  default     = "EC-P256"
}

variable "db_path" {
  description = "Controller database path (default: ctrl.db beside the PKI directory)."
  type        = string
  default     = null
}
