package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// servicePolicyKind is ziti_service_policy: /service-policies, which
// identities may dial (Dial) or host (Bind) which services.
var servicePolicyKind = &networkKind[servicePolicyModel, edgeapi.ServicePolicyDetail, edgeapi.ServicePolicyCreate]{
	typeName: "service_policy", what: "service policy", collection: edgeapi.ServicePolicies,
	schema: servicePolicySchema, toAPI: (*servicePolicyModel).toAPI, fromAPI: (*servicePolicyModel).fromAPI,
	named:   func(d *edgeapi.ServicePolicyDetail) (*edgeapi.BaseEntity, string) { return &d.BaseEntity, d.Name },
	differs: servicePolicyDiffers,
}

// NewServicePolicyResource returns the ziti_service_policy resource.
func NewServicePolicyResource() resource.Resource { return newKindResource(servicePolicyKind) }

type servicePolicyModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Type              types.String `tfsdk:"type"`
	Semantic          types.String `tfsdk:"semantic"`
	IdentityRoles     types.Set    `tfsdk:"identity_roles"`
	ServiceRoles      types.Set    `tfsdk:"service_roles"`
	PostureCheckRoles types.Set    `tfsdk:"posture_check_roles"`
	Tags              types.Map    `tfsdk:"tags"`
}

func servicePolicySchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A service policy (`/service-policies`): the identities it selects may dial (`Dial`) or host (`Bind`) the services it selects.",
		Attributes: map[string]schema.Attribute{
			"id":   idAttribute("Service policy id."),
			"name": nameAttribute(),
			"type": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "`Dial` (the identities may connect to the services) or `Bind` (they may host them). " +
					"Changing it replaces the policy: OpenZiti v1.7.2 loses a policy's posture check roles when its type changes in place.",
				Validators:    []validator.String{stringvalidator.OneOf(edgeapi.PolicyTypeDial, edgeapi.PolicyTypeBind)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"semantic":            semanticAttribute(),
			"identity_roles":      rolesAttribute("identities"),
			"service_roles":       rolesAttribute("services"),
			"posture_check_roles": rolesAttribute("posture checks an identity must pass"),
			"tags":                tagsAttribute(),
		},
	}
}

// toAPI is the create and replace body.
func (m *servicePolicyModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *edgeapi.ServicePolicyCreate {
	return &edgeapi.ServicePolicyCreate{
		Name:              m.Name.ValueString(),
		Type:              m.Type.ValueString(),
		Semantic:          m.Semantic.ValueString(),
		IdentityRoles:     stringsFromSet(ctx, m.IdentityRoles, diags),
		ServiceRoles:      stringsFromSet(ctx, m.ServiceRoles, diags),
		PostureCheckRoles: stringsFromSet(ctx, m.PostureCheckRoles, diags),
		Tags:              tagsFromMap(ctx, m.Tags, diags),
	}
}

func (m *servicePolicyModel) fromAPI(d *edgeapi.ServicePolicyDetail) {
	m.ID = types.StringValue(d.ID)
	m.Name = types.StringValue(d.Name)
	m.Type = types.StringValue(d.Type)
	m.Semantic = types.StringValue(d.Semantic)
	m.IdentityRoles = setFromStrings(d.IdentityRoles)
	m.ServiceRoles = setFromStrings(d.ServiceRoles)
	m.PostureCheckRoles = setFromStrings(d.PostureCheckRoles)
	m.Tags = tagsToMap(d.Tags, m.Tags)
}

// servicePolicyDiffers names the first attribute of the create body that
// the policy d does not have, or "" when it has them all.
func servicePolicyDiffers(in *edgeapi.ServicePolicyCreate, d *edgeapi.ServicePolicyDetail) string {
	switch {
	case in.Type != d.Type:
		return "type"
	case !sameStrings(in.PostureCheckRoles, d.PostureCheckRoles):
		return "posture_check_roles"
	}
	return policyDiffers(in.Semantic, d.Semantic, in.Tags, d.Tags,
		rolesOf{"identity_roles", in.IdentityRoles, d.IdentityRoles},
		rolesOf{"service_roles", in.ServiceRoles, d.ServiceRoles})
}
