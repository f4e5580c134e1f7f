# The CA bundle enrolled clients trust, from /.well-known/est/cacerts.
data "ziti_ca_bundle" "this" {}

resource "local_file" "cas" {
  filename = "${path.module}/cas.pem"
  content  = data.ziti_ca_bundle.this.ca_pem
}
