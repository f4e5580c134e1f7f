# Every device identity with the "sensors" role attribute.
data "ziti_identities" "sensors" {
  filter = "type = \"Device\" and anyOf(roleAttributes) = \"sensors\""
}

output "sensor_names" {
  value = data.ziti_identities.sensors.identities[*].name
}
