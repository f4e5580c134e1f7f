package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// NewPKIClientCertResource is ziti_pki_client_cert: a client certificate. The schema and logic are
// shared with the other certificate resources: certResource (pki_cert_resource.go).
func NewPKIClientCertResource() resource.Resource {
	return &certResource{kind: pki.KindClient}
}
