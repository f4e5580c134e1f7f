variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the NLB and prefix of its resources."
  type        = string
  default     = "ziti-ctrl"
}

variable "vpc_id" {
  description = "VPC of the controller hosts."
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets for the internet-facing NLB, one per Availability Zone."
  type        = list(string)
}

variable "controller_instance_ids" {
  description = "EC2 instances running the controller (Edge API on 1280, control plane on 6262)."
  type        = list(string)
}

variable "controller_security_group_id" {
  description = "Security group of the controller instances; the NLB is admitted on 1280 and 6262."
  type        = string
}

variable "allowed_cidrs" {
  description = "Who may reach the controller: clients, routers, operators."
  type        = list(string)
  default     = ["0.0.0.0/0", "::/0"]
}

variable "route53_zone_id" {
  description = "Hosted zone of dns_name."
  type        = string
}

variable "dns_name" {
  description = "Name clients use for the controller; an alias record points it at the NLB."
  type        = string
  default     = "ctrl.ziti.example.com"
}

variable "tags" {
  description = "Tags for the AWS resources."
  type        = map(string)
  default     = { Project = "ziti" }
}

variable "pki_root" {
  description = "Local directory for the controller's PKI tree and configuration."
  type        = string
  default     = "pki"
}
