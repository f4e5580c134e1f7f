package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// NewPKIIntermediateResource is ziti_pki_intermediate: an intermediate CA. The schema and logic are
// shared with the other certificate resources: certResource (pki_cert_resource.go).
func NewPKIIntermediateResource() resource.Resource {
	return &certResource{kind: pki.KindIntermediateCA}
}
