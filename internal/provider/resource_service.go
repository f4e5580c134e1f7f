package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// serviceKind is ziti_service: /services.
var serviceKind = &networkKind[serviceModel, edgeapi.ServiceDetail, edgeapi.ServiceCreate]{
	typeName: "service", what: "service", collection: edgeapi.Services,
	schema: serviceSchema, toAPI: (*serviceModel).toAPI, fromAPI: (*serviceModel).fromAPI,
	named:   func(d *edgeapi.ServiceDetail) (*edgeapi.BaseEntity, string) { return &d.BaseEntity, d.Name },
	differs: serviceDiffers,
}

// NewServiceResource returns the ziti_service resource.
func NewServiceResource() resource.Resource { return newKindResource(serviceKind) }

type serviceModel struct {
	ID                 types.String `tfsdk:"id"`
	Name               types.String `tfsdk:"name"`
	Configs            types.Set    `tfsdk:"configs"`
	EncryptionRequired types.Bool   `tfsdk:"encryption_required"`
	TerminatorStrategy types.String `tfsdk:"terminator_strategy"`
	RoleAttributes     types.Set    `tfsdk:"role_attributes"`
	MaxIdleTimeMillis  types.Int64  `tfsdk:"max_idle_time_millis"`
	Tags               types.Map    `tfsdk:"tags"`
}

// terminatorStrategies are the strategies the controller registers.
var terminatorStrategies = []string{"smartrouting", "weighted", "random", "sticky"}

func serviceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A service (`/services`): what identities dial and bind, with its configs. " +
			"Who may dial or bind it is decided by `ziti_service_policy`, over which routers by `ziti_service_edge_router_policy`.",
		Attributes: map[string]schema.Attribute{
			"id":      idAttribute("Service id."),
			"name":    nameAttribute(),
			"configs": stringSetAttribute("Ids of the service's configs (`ziti_config`), at most one per config type."),
			"encryption_required": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Whether connections must be end-to-end encrypted. The controller fixes it at create, so changing it replaces the service.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"terminator_strategy": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("smartrouting"),
				MarkdownDescription: "How a dial picks among the service's terminators: `smartrouting`, `weighted`, `random` or `sticky`.",
				Validators:          []validator.String{stringvalidator.OneOf(terminatorStrategies...)},
			},
			"role_attributes": roleAttributesAttribute("Role attributes that policies select the service by (`#attribute` in a policy's `service_roles`)."),
			"max_idle_time_millis": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(0),
				MarkdownDescription: "Idle time after which a circuit of the service is closed, in milliseconds; 0 never closes one.",
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"tags": tagsAttribute(),
		},
	}
}

// toAPI is the create and replace body.
func (m *serviceModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *edgeapi.ServiceCreate {
	return &edgeapi.ServiceCreate{
		Name:               m.Name.ValueString(),
		Configs:            stringsFromSet(ctx, m.Configs, diags),
		EncryptionRequired: m.EncryptionRequired.ValueBool(),
		TerminatorStrategy: m.TerminatorStrategy.ValueString(),
		RoleAttributes:     stringsFromSet(ctx, m.RoleAttributes, diags),
		MaxIdleTimeMillis:  ptr(m.MaxIdleTimeMillis.ValueInt64()),
		Tags:               tagsFromMap(ctx, m.Tags, diags),
	}
}

func (m *serviceModel) fromAPI(d *edgeapi.ServiceDetail) {
	m.ID = types.StringValue(d.ID)
	m.Name = types.StringValue(d.Name)
	m.Configs = setFromStrings(d.Configs)
	m.EncryptionRequired = types.BoolValue(d.EncryptionRequired)
	m.TerminatorStrategy = types.StringValue(d.TerminatorStrategy)
	m.RoleAttributes = setFromStrings(d.RoleAttributes)
	m.MaxIdleTimeMillis = types.Int64Value(d.MaxIdleTimeMillis)
	m.Tags = tagsToMap(d.Tags, m.Tags)
}

// serviceDiffers names the first attribute of the create body that the
// service d does not have, or "" when it has them all.
func serviceDiffers(in *edgeapi.ServiceCreate, d *edgeapi.ServiceDetail) string {
	switch {
	case !sameStrings(in.Configs, d.Configs):
		return "configs"
	case in.EncryptionRequired != d.EncryptionRequired:
		return "encryption_required"
	case in.TerminatorStrategy != "" && in.TerminatorStrategy != d.TerminatorStrategy:
		return "terminator_strategy"
	case !sameStrings(in.RoleAttributes, d.RoleAttributes):
		return "role_attributes"
	case sentDiffers(in.MaxIdleTimeMillis, d.MaxIdleTimeMillis):
		return "max_idle_time_millis"
	case !sameTags(in.Tags, d.Tags):
		return "tags"
	}
	return ""
}
