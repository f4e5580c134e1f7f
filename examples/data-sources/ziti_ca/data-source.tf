data "ziti_ca" "devices" {
  name = "acme-devices"
}

output "devices_ca_verified" {
  value = data.ziti_ca.devices.is_verified
}
