variable "controller_endpoint" {
  description = "The controller's Edge API address (stage 1's advertised address), e.g. https://127.0.0.1:1280."
  type        = string
}

variable "controller_ca_pem" {
  description = "The CA bundle that verifies the controller's TLS certificate (stage 1's cas_full_pem)."
  type        = string
}

variable "admin_username" {
  description = "The controller's default admin."
  type        = string
  default     = "admin"
}

variable "admin_password" {
  description = "The default admin's password (set TF_VAR_admin_password)."
  type        = string
  sensitive   = true
}

variable "name_prefix" {
  description = "Prefix of every name this stage creates."
  type        = string
  default     = "demo"
}

variable "devices" {
  description = "Device identities that get an ott enrollment."
  type        = list(string)
  default     = ["sensor-01", "sensor-02"]
}

variable "token_lifetime" {
  description = "Lifetime of the enrollment tokens (a Go duration)."
  type        = string
  default     = "24h"
}

variable "check_passthrough" {
  description = "Fail the plan when the endpoint does not reach the controller's TLS unterminated."
  type        = bool
  default     = true
}
