package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// configTypeKind is ziti_config_type: /config-types. The controller's
// built-in types (intercept.v1, host.v1, host.v2...) are read with the data
// source by name.
var configTypeKind = &networkKind[configTypeModel, edgeapi.ConfigTypeDetail, edgeapi.ConfigTypeCreate]{
	typeName: "config_type", what: "config type", collection: edgeapi.ConfigTypes,
	schema: configTypeSchema, toAPI: (*configTypeModel).toAPI, fromAPI: (*configTypeModel).fromAPI,
	named:   func(d *edgeapi.ConfigTypeDetail) (*edgeapi.BaseEntity, string) { return &d.BaseEntity, d.Name },
	differs: configTypeDiffers,
}

// NewConfigTypeResource returns the ziti_config_type resource.
func NewConfigTypeResource() resource.Resource { return newKindResource(configTypeKind) }

type configTypeModel struct {
	ID     types.String    `tfsdk:"id"`
	Name   types.String    `tfsdk:"name"`
	Schema jsonObjectValue `tfsdk:"schema"`
	Tags   types.Map       `tfsdk:"tags"`
}

func configTypeSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A config type (`/config-types`): the name and JSON schema that configs of the type (`ziti_config`) follow.",
		Attributes: map[string]schema.Attribute{
			"id":   idAttribute("Config type id."),
			"name": nameAttribute(),
			"schema": schema.StringAttribute{
				CustomType: jsonObjectType{}, Optional: true,
				MarkdownDescription: "JSON schema (a JSON object, e.g. from `jsonencode`) that the controller checks each config's `data` against; " +
					"unset accepts any object. Compared as JSON: key order and whitespace are no change.",
			},
			"tags": tagsAttribute(),
		},
	}
}

// toAPI is the create and replace body.
func (m *configTypeModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *edgeapi.ConfigTypeCreate {
	return &edgeapi.ConfigTypeCreate{
		Name:   m.Name.ValueString(),
		Schema: jsonToAPI(m.Schema),
		Tags:   tagsFromMap(ctx, m.Tags, diags),
	}
}

func (m *configTypeModel) fromAPI(d *edgeapi.ConfigTypeDetail) {
	m.ID = types.StringValue(d.ID)
	m.Name = types.StringValue(d.Name)
	m.Schema = jsonFromAPI(d.Schema, m.Schema)
	m.Tags = tagsToMap(d.Tags, m.Tags)
}

// configTypeDiffers names the first attribute of the create body that the
// config type d does not have, or "" when it has them all.
func configTypeDiffers(in *edgeapi.ConfigTypeCreate, d *edgeapi.ConfigTypeDetail) string {
	switch {
	case in.Schema != nil && !sameJSON(string(in.Schema), string(d.Schema)):
		return "schema"
	case !sameTags(in.Tags, d.Tags):
		return "tags"
	}
	return ""
}
