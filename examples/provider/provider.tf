# Password authentication against the Edge management API, trusting the
# controller's CA bundle. The PKI resources need none of this.
provider "ziti" {
  endpoint = "https://ctrl.example.com:1280" # or host:port, or the full /edge/management/v1 URL
  username = "admin"
  password = var.ziti_admin_password # or ZITI_PASSWORD
  ca_file  = "${path.module}/pki/cas.pem"
}

variable "ziti_admin_password" {
  type      = string
  sensitive = true
}

# Certificate authentication with an enrolled OpenZiti identity file
# ({"ztAPI": ..., "id": {"cert", "key", "ca"}}); the endpoint and the CA
# bundle default to the file's ztAPI and id.ca:
#
# provider "ziti" {
#   identity_file = "${path.module}/admin.json"   # or ZITI_IDENTITY_FILE
# }
#
# The CA bundle may also come straight from a ziti_pki_* resource in the same
# configuration (unknown until it exists: network resources then plan without
# contacting the controller):
#
# provider "ziti" {
#   endpoint = "ctrl.example.com:1280"
#   username = "admin"
#   password = var.ziti_admin_password
#   ca_pem   = ziti_pki_intermediate.edge.ca_bundle_pem
# }
#
# An HA cluster: list its controllers. The provider uses the first and moves
# to the next when the one in use stops answering (see the high availability
# guide); every controller's certificate must verify with ca_file/ca_pem.
#
# provider "ziti" {
#   endpoints = [
#     "https://ctrl1.example.com:1280",
#     "https://ctrl2.example.com:1280",
#     "https://ctrl3.example.com:1280",
#   ]
#   username        = "admin"
#   password        = var.ziti_admin_password
#   ca_file         = "${path.module}/pki/cas.pem"
#   request_timeout = "30s" # one HTTP request; then the next controller
#   max_retries     = 4     # per request, across the controllers
# }
