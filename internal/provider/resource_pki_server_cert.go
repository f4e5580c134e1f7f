package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// NewPKIServerCertResource is ziti_pki_server_cert: a server certificate. The schema and logic are
// shared with the other certificate resources: certResource (pki_cert_resource.go).
func NewPKIServerCertResource() resource.Resource {
	return &certResource{kind: pki.KindServer}
}
