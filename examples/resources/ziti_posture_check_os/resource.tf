# Windows 10 (build 19041) or later, or a Linux kernel from 5.4.
resource "ziti_posture_check_os" "supported" {
  name = "supported-os"
  operating_systems = [
    { type = "Windows", versions = [">=10.0.19041"] },
    { type = "Linux", versions = [">=5.4.0"] },
  ]
  role_attributes = ["desktops"]
}
