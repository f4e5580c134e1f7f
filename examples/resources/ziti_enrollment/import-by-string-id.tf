# Only a pending (unused) enrollment can be imported: a used one no longer
# exists on the controller. duration, renew_before and rotation live only in
# the configuration.
import {
  to = ziti_enrollment.sensor
  id = "Qm3vL0pXy"
}
