package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// configKind is ziti_config: /configs. Its data is checked at plan time
// against the schema of the controller's built-in config types.
var configKind = &networkKind[configModel, edgeapi.ConfigDetail, edgeapi.ConfigCreate]{
	typeName: "config", what: "config", collection: edgeapi.Configs,
	schema: configSchema, toAPI: (*configModel).toAPI, fromAPI: (*configModel).fromAPI,
	named:   func(d *edgeapi.ConfigDetail) (*edgeapi.BaseEntity, string) { return &d.BaseEntity, d.Name },
	differs: configDiffers,
}

// NewConfigResource returns the ziti_config resource.
func NewConfigResource() resource.Resource { return &configResource{newKindResource(configKind)} }

// configResource is the kind's resource with the plan-time check of data.
type configResource struct {
	*kindResource[configModel, edgeapi.ConfigDetail, edgeapi.ConfigCreate]
}

var _ resource.ResourceWithValidateConfig = (*configResource)(nil)

type configModel struct {
	ID           types.String    `tfsdk:"id"`
	Name         types.String    `tfsdk:"name"`
	ConfigTypeID types.String    `tfsdk:"config_type_id"`
	Data         jsonObjectValue `tfsdk:"data"`
	Tags         types.Map       `tfsdk:"tags"`
}

func configSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A config (`/configs`): data of a config type that services carry (`ziti_service.configs`), " +
			"such as the tunnelers' `intercept.v1` and `host.v1`.",
		Attributes: map[string]schema.Attribute{
			"id":   idAttribute("Config id."),
			"name": nameAttribute(),
			"config_type_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Id of the config type (`ziti_config_type`, or the `ziti_config_type` data source for a built-in type such as `intercept.v1`). " +
					"Changing it replaces the config.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"data": schema.StringAttribute{
				CustomType: jsonObjectType{}, Required: true,
				MarkdownDescription: "The config's data, a JSON object (e.g. from `jsonencode`), compared as JSON: key order and whitespace are no change. " +
					"For the built-in types (`intercept.v1`, `host.v1`, `host.v2`...) it is checked against the type's schema at plan time.",
			},
			"tags": tagsAttribute(),
		},
	}
}

// ValidateConfig checks data against the schema of a built-in config type
// once config_type_id is known, so a wrong port or a missing field fails
// the plan rather than the apply.
func (r *configResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m configModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.ConfigTypeID.IsNull() || m.ConfigTypeID.IsUnknown() || m.Data.IsNull() || m.Data.IsUnknown() {
		return
	}
	checkBuiltinConfigData(m.ConfigTypeID.ValueString(), m.Data.ValueString(), path.Root("data"), &resp.Diagnostics)
}

// checkBuiltinConfigData reports data that the built-in config type with
// id typeID refuses; other types are left to the controller.
func checkBuiltinConfigData(typeID, data string, at path.Path, diags *diag.Diagnostics) {
	t, ok := edgewire.BuiltinConfigTypeByID(typeID)
	if !ok {
		return
	}
	if _, err := decodeJSONObject([]byte(data)); err != nil {
		return // reported by the attribute's type
	}
	problems, err := edgewire.ValidateConfigData(t.Schema(), []byte(data))
	if err != nil {
		diags.AddAttributeError(at, "Invalid config data", err.Error())
		return
	}
	if len(problems) > 0 {
		diags.AddAttributeError(at, "Invalid config data for "+t.Name, fmt.Sprintf(
			"%s does not match the schema of the built-in config type %s (config_type_id %q):\n  - %s\nFix these fields of data.",
			at, t.Name, typeID, strings.Join(problems, "\n  - ")))
	}
}

// toAPI is the create and replace body.
func (m *configModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *edgeapi.ConfigCreate {
	return &edgeapi.ConfigCreate{
		Name:         m.Name.ValueString(),
		ConfigTypeID: m.ConfigTypeID.ValueString(),
		Data:         jsonToAPI(m.Data),
		Tags:         tagsFromMap(ctx, m.Tags, diags),
	}
}

func (m *configModel) fromAPI(d *edgeapi.ConfigDetail) {
	m.ID = types.StringValue(d.ID)
	m.Name = types.StringValue(d.Name)
	m.ConfigTypeID = types.StringValue(d.ConfigTypeID)
	m.Data = jsonFromAPI(d.Data, m.Data)
	m.Tags = tagsToMap(d.Tags, m.Tags)
}

// configDiffers names the first attribute of the create body that the
// config d does not have, or "" when it has them all.
func configDiffers(in *edgeapi.ConfigCreate, d *edgeapi.ConfigDetail) string {
	switch {
	case in.ConfigTypeID != d.ConfigTypeID:
		return "config_type_id"
	case !sameJSON(string(in.Data), string(d.Data)):
		return "data"
	case !sameTags(in.Tags, d.Tags):
		return "tags"
	}
	return ""
}
