# Auth policies are imported by id.
terraform import ziti_auth_policy.contractors aWmk5fmjN6
