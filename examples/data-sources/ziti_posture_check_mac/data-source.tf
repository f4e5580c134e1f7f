data "ziti_posture_check_mac" "lab" {
  name = "lab-machines"
}

output "lab_macs" {
  value = data.ziti_posture_check_mac.lab.mac_addresses
}
