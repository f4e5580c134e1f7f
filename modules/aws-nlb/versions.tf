terraform {
  # 1.9: variable validations that refer to other variables.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.72 added aws_lb_listener.tcp_idle_timeout_seconds.
      version = ">= 5.72, < 7.0"
    }
  }
}
