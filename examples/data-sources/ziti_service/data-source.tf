data "ziti_service" "echo" {
  name = "echo"
}

output "echo_configs" {
  value = data.ziti_service.echo.configs
}
