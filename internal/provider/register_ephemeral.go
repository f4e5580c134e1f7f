package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
)

var _ provider.ProviderWithEphemeralResources = (*zitiProvider)(nil)

// EphemeralResources are the values Terraform never stores: they feed
// write-only arguments (the secret-free configuration).
func (p *zitiProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewPKIPrivateKeyEphemeralResource,
		NewEnrollmentJWTEphemeralResource,
	}
}
