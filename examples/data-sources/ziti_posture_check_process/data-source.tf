data "ziti_posture_check_process" "edr" {
  name = "edr-agent"
}

output "edr_path" {
  value = data.ziti_posture_check_process.edr.process.path
}
