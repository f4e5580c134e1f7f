terraform {
  # 1.9: variable validations that refer to other variables.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.73.0 added aws_lb_listener.tcp_idle_timeout_seconds, the newest
      # argument the module sets; versions_test.go keeps the floor, the
      # README and the tested provider version in step.
      version = ">= 5.73, < 7.0"
    }
  }
}
