package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// macRE is a MAC address as the controller stores it.
var macRE = regexp.MustCompile(`^[0-9a-f]{12}$`)

// postureMACKind is ziti_posture_check_mac: a MAC posture check.
var postureMACKind = postureKind[postureMACModel](posturePart{
	typeName: "posture_check_mac", what: "MAC address posture check", typeID: edgeapi.PostureCheckMAC,
	description: "A MAC address posture check (`/posture-checks`, type `MAC`): the device must have one of the MAC addresses.",
	attributes: map[string]schema.Attribute{
		"mac_addresses": schema.SetAttribute{
			ElementType: types.StringType, Required: true,
			MarkdownDescription: "MAC addresses, at least one, as the controller stores them: 12 lower-case hex digits without separators (`aabbccddeeff`).",
			Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(
				stringvalidator.RegexMatches(macRE, "must be 12 lower-case hex digits without separators, as the controller stores MAC addresses: write aa:bb:cc:dd:ee:ff as aabbccddeeff"))},
		},
	},
})

type postureMACModel struct {
	postureCheckModel
	MacAddresses types.Set `tfsdk:"mac_addresses"`
}

func (m *postureMACModel) toFields(ctx context.Context, diags *diag.Diagnostics) edgeapi.PostureCheckFields {
	return edgeapi.PostureCheckFields{MacAddresses: stringsFromSet(ctx, m.MacAddresses, diags)}
}

func (m *postureMACModel) fromFields(f *edgeapi.PostureCheckFields) {
	m.MacAddresses = setFromStrings(f.MacAddresses)
}
