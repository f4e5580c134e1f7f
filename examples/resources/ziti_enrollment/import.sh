# Pending (unused) enrollments are imported by id; a used one no longer exists
# on the controller.
terraform import ziti_enrollment.sensor Qm3vL0pXy
