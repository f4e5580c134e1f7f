data "ziti_controller_version" "this" {}

output "controller_version" {
  value = data.ziti_controller_version.this.version
}
