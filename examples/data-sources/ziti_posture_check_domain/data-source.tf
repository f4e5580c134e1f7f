data "ziti_posture_check_domain" "corp" {
  name = "corp-domain"
}

output "corp_domains" {
  value = data.ziti_posture_check_domain.corp.domains
}
