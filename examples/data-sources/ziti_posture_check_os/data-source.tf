data "ziti_posture_check_os" "supported" {
  name = "supported-os"
}

output "supported_os" {
  value = [for os in data.ziti_posture_check_os.supported.operating_systems : os.type]
}
