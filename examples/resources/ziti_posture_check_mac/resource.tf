# Only the two lab machines, by MAC address (12 lower-case hex digits).
resource "ziti_posture_check_mac" "lab" {
  name            = "lab-machines"
  mac_addresses   = ["0a1b2c3d4e5f", "0a1b2c3d4e60"]
  role_attributes = ["lab"]
}
