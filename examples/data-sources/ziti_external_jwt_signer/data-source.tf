data "ziti_external_jwt_signer" "sso" {
  name = "company-sso"
}

output "sso_issuer" {
  value = data.ziti_external_jwt_signer.sso.issuer
}
