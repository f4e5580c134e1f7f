package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// postureOSKind is ziti_posture_check_os: an OS posture check.
var postureOSKind = postureKind[postureOSModel](posturePart{
	typeName: "posture_check_os", what: "operating system posture check", typeID: edgeapi.PostureCheckOS,
	description: "An operating system posture check (`/posture-checks`, type `OS`): the device must run one of the operating systems, in one of its version ranges.",
	attributes: map[string]schema.Attribute{
		"operating_systems": schema.ListNestedAttribute{
			Required: true, MarkdownDescription: "Operating systems, at least one; a device running any of them passes.",
			Validators: []validator.List{listvalidator.SizeAtLeast(1)},
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"type":     osTypeAttribute("Operating system."),
				"versions": stringSetAttribute("Version ranges that pass (`\">=10.0.19041\"`, `\">=5.4.0 <6.0.0\"`); empty: any version."),
			}},
		},
	},
})

type postureOSModel struct {
	postureCheckModel
	OperatingSystems []operatingSystemModel `tfsdk:"operating_systems"`
}

type operatingSystemModel struct {
	Type     types.String `tfsdk:"type"`
	Versions types.Set    `tfsdk:"versions"`
}

func (m *postureOSModel) toFields(ctx context.Context, diags *diag.Diagnostics) edgeapi.PostureCheckFields {
	var f edgeapi.PostureCheckFields
	for _, o := range m.OperatingSystems {
		f.OperatingSystems = append(f.OperatingSystems, edgeapi.OperatingSystem{Type: o.Type.ValueString(), Versions: stringsFromSet(ctx, o.Versions, diags)})
	}
	return f
}

func (m *postureOSModel) fromFields(f *edgeapi.PostureCheckFields) {
	m.OperatingSystems = nil
	for _, o := range f.OperatingSystems {
		m.OperatingSystems = append(m.OperatingSystems, operatingSystemModel{Type: types.StringValue(o.Type), Versions: setFromStrings(o.Versions)})
	}
}
