package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// NewPKIClientCertResource is ziti_pki_client_cert: a client certificate. The schema and logic are
// shared with the other certificate resources in pki_common.go.
func NewPKIClientCertResource() resource.Resource {
	return &certResource{kind: pki.KindClient}
}
