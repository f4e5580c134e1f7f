# One of the two VPN clients must be running.
resource "ziti_posture_check_multi_process" "vpn" {
  name     = "vpn-client"
  semantic = "AnyOf"
  processes = [
    { os_type = "Linux", path = "/usr/bin/openvpn" },
    { os_type = "macOS", path = "/Applications/Tunnelblick.app/Contents/MacOS/Tunnelblick" },
  ]
  role_attributes = ["vpn"]
}
