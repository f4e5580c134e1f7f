variable "controller_endpoint" {
  description = "The controller's Edge management API, e.g. https://127.0.0.1:1280."
  type        = string
}

variable "controller_ca_file" {
  description = "Path of the CA bundle that verifies the controller's TLS certificate."
  type        = string
}

variable "admin_username" {
  description = "Admin login."
  type        = string
  default     = "admin"
}

variable "admin_password" {
  description = "The admin's password (TF_VAR_admin_password; unset: ZITI_PASSWORD). Ephemeral: no plan or state keeps it."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "name_prefix" {
  description = "Prefix of every name this configuration creates."
  type        = string
  default     = "sf"
}

variable "out_dir" {
  description = "Where the sensor's enrollment JWT is written (mode 0600)."
  type        = string
  default     = "out"
}

variable "token_lifetime" {
  description = "Lifetime of the sensor's enrollment token (a Go duration)."
  type        = string
  default     = "24h"
}
