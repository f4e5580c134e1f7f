data "ziti_posture_check_multi_process" "vpn" {
  name = "vpn-client"
}

output "vpn_semantic" {
  value = data.ziti_posture_check_multi_process.vpn.semantic
}
