package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// postureDomainKind is ziti_posture_check_domain: a DOMAIN posture check.
var postureDomainKind = postureKind[postureDomainModel](posturePart{
	typeName: "posture_check_domain", what: "domain posture check", typeID: edgeapi.PostureCheckDomain,
	description: "A domain posture check (`/posture-checks`, type `DOMAIN`): the device must be joined to one of the Windows domains.",
	attributes: map[string]schema.Attribute{
		"domains": schema.SetAttribute{
			ElementType: types.StringType, Required: true,
			MarkdownDescription: "Windows domains, at least one; a device in any of them passes.",
			Validators: []validator.Set{setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
		},
	},
})

type postureDomainModel struct {
	postureCheckModel
	Domains types.Set `tfsdk:"domains"`
}

func (m *postureDomainModel) toFields(ctx context.Context, diags *diag.Diagnostics) edgeapi.PostureCheckFields {
	return edgeapi.PostureCheckFields{Domains: stringsFromSet(ctx, m.Domains, diags)}
}

func (m *postureDomainModel) fromFields(f *edgeapi.PostureCheckFields) {
	m.Domains = setFromStrings(f.Domains)
}
