data "ziti_services" "web" {
  filter = "name contains \"web\""
}

output "web_services" {
  value = [for s in data.ziti_services.web.services : s.name]
}
