output "devices_ca" {
  description = "The device CA: certificate fingerprint and the public-key fingerprint of keys/devices-ca.key."
  value = {
    id                            = ziti_ca.devices.id
    is_verified                   = ziti_ca.devices.is_verified
    public_key_fingerprint_sha256 = ziti_pki_ca.devices.public_key_fingerprint_sha256
  }
}

output "jwt_files" {
  description = "The files that hold the sensor's and the edge router's enrollment JWTs."
  value = {
    sensor      = ziti_secret_file.sensor_jwt.path
    edge_router = ziti_secret_file.edge_jwt.path
  }
}

output "enrollments" {
  description = "Method, expiry and whether each token has been used (no token)."
  value = {
    camera = { method = ziti_enrollment.camera.method, expires_at = ziti_enrollment.camera.expires_at, consumed = ziti_enrollment.camera.consumed }
    sensor = { method = ziti_enrollment.sensor.method, expires_at = ziti_enrollment.sensor.expires_at, consumed = ziti_enrollment.sensor.consumed }
  }
}
