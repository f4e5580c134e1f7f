# Inputs of modules/aws-nlb. Every variable is documented in README.md; a Go
# test (readme_test.go) fails when one is missing there.

locals {
  # The reason behind every TLS guardrail, quoted in each error message.
  why_passthrough = "The Ziti controller signs enrollment JWTs with the private key of its own web (Edge API) TLS certificate, and clients verify each JWT with the public key of the certificate presented on the TLS connection to the JWT issuer. A load balancer that terminates TLS presents its own (e.g. ACM) certificate instead, so enrollment fails with \"token signature is invalid\", and client-certificate authentication never reaches the controller. The NLB must pass TCP through so the controller presents its own certificate."
}

variable "name" {
  description = "Name of the load balancer; also the prefix of its target groups (<name>-<6 hex digits>) and security group."
  type        = string

  validation {
    # 25 characters leave room for the "-<6 hex digits>" suffix of target
    # group names (32 characters at most).
    condition     = can(regex("^[A-Za-z0-9]([A-Za-z0-9-]{0,23}[A-Za-z0-9])?$", var.name)) && !startswith(var.name, "internal-")
    error_message = "name must be 1-25 letters, digits or hyphens, must not start or end with a hyphen, and must not start with \"internal-\" (AWS load balancer naming rules, minus room for target group suffixes)."
  }
}

variable "vpc_id" {
  description = "VPC of the targets and of the security group the module creates."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the load balancer, one per Availability Zone. Set this or subnet_mappings, not both."
  type        = list(string)
  default     = []
}

variable "subnet_mappings" {
  description = "Subnets of the load balancer with fixed addresses: allocation_id (an Elastic IP, internet-facing only) or private_ipv4_address (internal only). Fixed addresses can go into the controller certificate's IP SANs. Set this or subnet_ids, not both."
  type = list(object({
    subnet_id            = string
    allocation_id        = optional(string)
    private_ipv4_address = optional(string)
  }))
  default = []

  validation {
    condition     = (length(var.subnet_mappings) > 0) != (length(var.subnet_ids) > 0)
    error_message = "Set exactly one of subnet_ids and subnet_mappings (AWS accepts one or the other)."
  }

  validation {
    condition     = alltrue([for m in var.subnet_mappings : m.private_ipv4_address == null || can(cidrhost("${m.private_ipv4_address}/32", 0))])
    error_message = "subnet_mappings[*].private_ipv4_address must be an IPv4 address."
  }
}

variable "create_eips" {
  description = "Create one Elastic IP per subnet of subnet_ids and attach them to an internet-facing NLB, so clients can use fixed public addresses; they are added to cert_ip_addresses."
  type        = bool
  default     = false

  validation {
    condition     = !var.create_eips || (!var.internal && length(var.subnet_ids) > 0)
    error_message = "create_eips needs an internet-facing NLB (internal = false) placed with subnet_ids (give your own Elastic IPs through subnet_mappings[*].allocation_id instead)."
  }
}

variable "internal" {
  description = "true for an internal NLB (private addresses only), false for an internet-facing one."
  type        = bool
  default     = false
}

variable "load_balancer_type" {
  description = "Must be \"network\". Exists so that a configuration copied from an ALB setup fails with an explanation instead of silently getting an NLB."
  type        = string
  default     = "network"

  validation {
    condition     = var.load_balancer_type == "network"
    error_message = "load_balancer_type must be \"network\": an \"application\" load balancer (ALB) always terminates TLS, and a \"gateway\" load balancer is not a client endpoint. ${local.why_passthrough}"
  }
}

variable "ip_address_type" {
  description = "\"ipv4\", or \"dualstack\" for IPv4 and IPv6 clients (the subnets need IPv6 CIDRs; an AAAA alias record is added). Targets stay IPv4; IPv6 clients reach them with the NLB's address as source."
  type        = string
  default     = "ipv4"

  validation {
    condition     = contains(["ipv4", "dualstack"], var.ip_address_type)
    error_message = "ip_address_type must be \"ipv4\" or \"dualstack\"."
  }
}

variable "create_security_group" {
  description = "Create a security group for the NLB with one ingress rule per listener port and allowed CIDR, and egress to the targets. AWS only lets security groups be attached to an NLB when it is created, so switching this later (or security_group_ids between empty and not) replaces the load balancer."
  type        = bool
  default     = true
}

variable "security_group_ids" {
  description = "Additional existing security groups to attach to the NLB."
  type        = list(string)
  default     = []
}

variable "allowed_cidrs" {
  description = "CIDR blocks (IPv4 or IPv6) allowed to reach the listener ports: your clients, routers and operators."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.allowed_cidrs : can(cidrhost(c, 0)) && cidrhost(c, 0) == split("/", c)[0]])
    error_message = "allowed_cidrs must hold CIDR network addresses such as \"203.0.113.0/24\" or \"2001:db8::/32\" (the host bits must be zero)."
  }
}

variable "target_security_group_id" {
  description = "Security group of the controller hosts. When set, the module adds ingress rules to it for every target port: from the NLB security group when the module creates one, otherwise from allowed_cidrs and nlb_subnet_cidrs."
  type        = string
  default     = null
}

variable "nlb_subnet_cidrs" {
  description = "CIDRs of the NLB subnets. Used only when the module does not create an NLB security group and target_security_group_id is set: health checks (and, with preserve_client_ip = false, all traffic) come from the NLB's private addresses in these subnets."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.nlb_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "nlb_subnet_cidrs must hold CIDR blocks such as \"10.0.1.0/24\"."
  }
}

variable "enable_cross_zone_load_balancing" {
  description = "Spread connections over targets in every Availability Zone. On by default: a controller usually runs in fewer zones than the NLB has subnets, and without cross-zone routing the NLB nodes of the other zones have no target."
  type        = bool
  default     = true
}

variable "enable_deletion_protection" {
  description = "Protect the load balancer from deletion through the AWS API (turn on in production; a destroy then fails until it is turned off, and a change that would replace the NLB is refused at plan time)."
  type        = bool
  default     = false
}

variable "edge_api_port" {
  description = "Port of the controller's Edge API (client and management APIs, enrollment, /health-checks) on the NLB and on the targets."
  type        = number
  default     = 1280

  validation {
    condition     = var.edge_api_port >= 1 && var.edge_api_port <= 65535 && floor(var.edge_api_port) == var.edge_api_port
    error_message = "edge_api_port must be a port number between 1 and 65535."
  }
}

variable "control_plane_port" {
  description = "Port of the controller's control plane (the ctrl listener routers connect to, e.g. 6262), or null for none."
  type        = number
  default     = null

  validation {
    condition     = var.control_plane_port == null || try(var.control_plane_port >= 1 && var.control_plane_port <= 65535 && floor(var.control_plane_port) == var.control_plane_port, false)
    error_message = "control_plane_port must be null or a port number between 1 and 65535."
  }
}

variable "router_ports" {
  description = "Extra TCP ports to pass through to the same targets, by name (for an edge router running on the controller hosts), e.g. { edge = 3022, link = 10080 }."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for k, p in var.router_ports : can(regex("^[a-z0-9]{1,10}$", k)) && p >= 1 && p <= 65535 && floor(p) == p])
    error_message = "router_ports keys must be 1-10 lowercase letters or digits and values port numbers between 1 and 65535."
  }
}

variable "listener_protocol" {
  description = "Protocol of every listener. Must be \"TCP\" (passthrough); present only to reject TLS, HTTPS and the like with an explanation."
  type        = string
  default     = "TCP"

  validation {
    condition     = var.listener_protocol == "TCP"
    error_message = "listener_protocol must be \"TCP\": a TLS or HTTPS listener terminates TLS on the load balancer (and UDP cannot carry the controller's TLS). ${local.why_passthrough}"
  }
}

variable "certificate_arn" {
  description = "Must stay null: the controller presents its own certificate. Present only to reject an ACM/IAM certificate with an explanation."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null
    error_message = "certificate_arn must be null: a listener certificate means the load balancer terminates TLS with that certificate. ${local.why_passthrough}"
  }
}

variable "ssl_policy" {
  description = "Must stay null: there is no TLS on the load balancer. Present only to reject a TLS security policy with an explanation."
  type        = string
  default     = null

  validation {
    condition     = var.ssl_policy == null
    error_message = "ssl_policy must be null: a TLS security policy only applies to a load balancer that terminates TLS. ${local.why_passthrough}"
  }
}

variable "alpn_policy" {
  description = "Must stay null: ALPN is negotiated between clients and the controller. Present only to reject an ALPN policy with an explanation."
  type        = string
  default     = null

  validation {
    condition     = var.alpn_policy == null
    error_message = "alpn_policy must be null: ALPN policies exist only on TLS listeners, which terminate TLS. ${local.why_passthrough}"
  }
}

variable "proxy_protocol_v2" {
  description = "Must stay false. Present only to reject proxy protocol with an explanation."
  type        = bool
  default     = false

  validation {
    condition     = var.proxy_protocol_v2 == false
    error_message = "proxy_protocol_v2 must be false: with it the NLB sends a PROXY protocol header before the client's TLS ClientHello, which the controller does not parse, so every TLS handshake fails. Use preserve_client_ip to keep client addresses visible instead."
  }
}

variable "target_type" {
  description = "How targets are registered: \"instance\" (EC2 instance ids) or \"ip\" (private IP addresses, e.g. containers)."
  type        = string
  default     = "instance"

  validation {
    condition     = contains(["instance", "ip"], var.target_type)
    error_message = "target_type must be \"instance\" or \"ip\" (lambda and alb targets cannot serve the controller's TLS)."
  }
}

variable "targets" {
  description = "Controller hosts: EC2 instance ids (target_type = \"instance\") or IP addresses (target_type = \"ip\"); availability_zone is only needed for IP targets outside the VPC (\"all\")."
  type = list(object({
    id                = string
    availability_zone = optional(string)
  }))
  default = []
}

variable "preserve_client_ip" {
  description = "Targets see the clients' own source addresses. Keep it on for the controller's audit logs and security group rules by client CIDR. A target cannot reach itself through the NLB while it is on (hairpin): a router on the controller host must use the controller's local address."
  type        = bool
  default     = true
}

variable "health_check_protocol" {
  description = "\"HTTPS\": GET health_check_path on the Edge API port (the NLB does not verify the certificate); \"TCP\": a TCP connect on each target's own port."
  type        = string
  default     = "HTTPS"

  validation {
    condition     = contains(["HTTPS", "TCP"], var.health_check_protocol)
    error_message = "health_check_protocol must be \"HTTPS\" (the controller's /health-checks) or \"TCP\"; the Edge API does not answer plain HTTP."
  }
}

variable "health_check_path" {
  description = "Path of the HTTPS health check on the Edge API."
  type        = string
  default     = "/health-checks"

  validation {
    condition     = startswith(var.health_check_path, "/") && length(var.health_check_path) <= 1024
    error_message = "health_check_path must start with \"/\" and be at most 1024 characters."
  }
}

variable "health_check_interval" {
  description = "Seconds between health checks of each target."
  type        = number
  default     = 10

  validation {
    condition     = var.health_check_interval >= 5 && var.health_check_interval <= 300
    error_message = "health_check_interval must be between 5 and 300 seconds."
  }
}

variable "health_check_thresholds" {
  description = "Consecutive successes before a target is healthy and failures before it is unhealthy."
  type = object({
    healthy   = number
    unhealthy = number
  })
  default = { healthy = 3, unhealthy = 3 }

  validation {
    condition     = var.health_check_thresholds.healthy >= 2 && var.health_check_thresholds.healthy <= 10 && var.health_check_thresholds.unhealthy >= 2 && var.health_check_thresholds.unhealthy <= 10
    error_message = "health_check_thresholds.healthy and .unhealthy must be between 2 and 10."
  }
}

variable "deregistration_delay" {
  description = "Seconds a deregistered target keeps its established connections (router control channels, long-poll API sessions) before the NLB stops forwarding them."
  type        = number
  default     = 300

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600 && floor(var.deregistration_delay) == var.deregistration_delay
    error_message = "deregistration_delay must be a whole number of seconds between 0 and 3600."
  }
}

variable "connection_termination" {
  description = "Close established connections when the deregistration delay ends (so routers reconnect to a healthy controller at once)."
  type        = bool
  default     = true
}

variable "tcp_idle_timeout_seconds" {
  description = "Seconds an idle TCP flow is kept by the NLB (AWS default 350). Must exceed the longest silence on a control connection: keep channel heartbeats and TCP keepalives well below it."
  type        = number
  default     = 350

  validation {
    condition     = var.tcp_idle_timeout_seconds >= 60 && var.tcp_idle_timeout_seconds <= 6000
    error_message = "tcp_idle_timeout_seconds must be between 60 and 6000 (the NLB's range)."
  }
}

variable "stickiness_enabled" {
  description = "Send new connections from one client IP to the same target (source_ip stickiness). Established TCP connections always stay on their target; this only matters with several controllers."
  type        = bool
  default     = false
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone in which to create an alias record dns_name -> NLB, or null for none."
  type        = string
  default     = null
}

variable "dns_name" {
  description = "DNS name clients use for the controller (the alias record's name and the first DNS SAN of the controller certificate), e.g. \"ctrl.ziti.example.com\"."
  type        = string
  default     = null

  validation {
    condition     = var.dns_name == null || can(regex("^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}\\.?$", var.dns_name))
    error_message = "dns_name must be a fully qualified domain name such as \"ctrl.ziti.example.com\"."
  }
}

variable "extra_dns_names" {
  description = "More DNS names clients use for the controller (CNAMEs, internal names); added to cert_dns_names."
  type        = list(string)
  default     = []
}

variable "extra_ip_addresses" {
  description = "More IP addresses clients use for the controller (e.g. the public IPs of the Elastic IPs in subnet_mappings); added to cert_ip_addresses."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.extra_ip_addresses : can(cidrhost("${a}/${strcontains(a, ":") ? 128 : 32}", 0))])
    error_message = "extra_ip_addresses must hold IPv4 or IPv6 addresses."
  }
}

variable "include_lb_dns_name_in_sans" {
  description = "Add the NLB's own DNS name (known after apply) to cert_dns_names, so clients may also connect through it."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
}
