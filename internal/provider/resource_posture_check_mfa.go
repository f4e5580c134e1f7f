package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// postureMFAKind is ziti_posture_check_mfa: an MFA posture check.
var postureMFAKind = postureKind[postureMFAModel](posturePart{
	typeName: "posture_check_mfa", what: "MFA posture check", typeID: edgeapi.PostureCheckMFA,
	description: "An MFA posture check (`/posture-checks`, type `MFA`): the identity must have passed a TOTP multi-factor check.",
	attributes: map[string]schema.Attribute{
		"timeout_seconds": schema.Int64Attribute{
			Optional: true, Computed: true, Default: int64default.StaticInt64(-1),
			MarkdownDescription: "Seconds a passed MFA check stays valid; `-1` (the default): until the session ends. " +
				"The controller stores 0 as -1, so 0 is refused.",
			Validators: []validator.Int64{int64validator.Any(int64validator.OneOf(-1), int64validator.AtLeast(1))},
		},
		"prompt_on_wake":          falseBoolAttribute("Whether the MFA check is asked again when the device wakes."),
		"prompt_on_unlock":        falseBoolAttribute("Whether the MFA check is asked again when the device is unlocked."),
		"ignore_legacy_endpoints": falseBoolAttribute("Whether clients too old to report wake and unlock events pass without the timeout."),
	},
})

type postureMFAModel struct {
	postureCheckModel
	TimeoutSeconds        types.Int64 `tfsdk:"timeout_seconds"`
	PromptOnWake          types.Bool  `tfsdk:"prompt_on_wake"`
	PromptOnUnlock        types.Bool  `tfsdk:"prompt_on_unlock"`
	IgnoreLegacyEndpoints types.Bool  `tfsdk:"ignore_legacy_endpoints"`
}

// falseBoolAttribute is an optional boolean that is false when not set.
func falseBoolAttribute(desc string) schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false), MarkdownDescription: desc}
}

func (m *postureMFAModel) toFields(context.Context, *diag.Diagnostics) edgeapi.PostureCheckFields {
	return edgeapi.PostureCheckFields{
		TimeoutSeconds: m.TimeoutSeconds.ValueInt64(), PromptOnWake: m.PromptOnWake.ValueBool(),
		PromptOnUnlock: m.PromptOnUnlock.ValueBool(), IgnoreLegacyEndpoints: m.IgnoreLegacyEndpoints.ValueBool(),
	}
}

func (m *postureMFAModel) fromFields(f *edgeapi.PostureCheckFields) {
	m.TimeoutSeconds = types.Int64Value(f.TimeoutSeconds)
	m.PromptOnWake = types.BoolValue(f.PromptOnWake)
	m.PromptOnUnlock = types.BoolValue(f.PromptOnUnlock)
	m.IgnoreLegacyEndpoints = types.BoolValue(f.IgnoreLegacyEndpoints)
}
