package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// NewPKICAResource is ziti_pki_ca: a self-signed root CA. The schema and logic are
// shared with the other certificate resources: certResource (pki_cert_resource.go).
func NewPKICAResource() resource.Resource {
	return &certResource{kind: pki.KindRootCA}
}
