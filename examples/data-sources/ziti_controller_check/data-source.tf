# Check the address clients enroll through (the controller's advertised
# address, usually a load balancer) and fail the plan if it terminates TLS.
data "ziti_controller_check" "public" {
  endpoint         = "https://ziti.example.com:443"
  fail_on_problems = true
}

output "controller_check" {
  value = {
    passthrough_ok     = data.ziti_controller_check.public.passthrough_ok
    address_covered    = data.ziti_controller_check.public.address_covered
    leaf_is_jwt_signer = data.ziti_controller_check.public.leaf_is_jwt_signer
    signer_check       = data.ziti_controller_check.public.signer_check
    controller_version = data.ziti_controller_check.public.controller_version
    problems           = data.ziti_controller_check.public.problems
  }
}
