// Package validators holds the provider's own string validators, for the
// checks terraform-plugin-framework-validators does not offer. Each one
// names the bad value and says how to fix it, and accepts null and unknown
// values (they are checked once known).
package validators

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// stringCheck is a validator.String made of a description and a check of
// a known value, so that each validator below is only its rule.
type stringCheck struct {
	desc  string
	check func(p path.Path, s string, diags *diag.Diagnostics)
}

var _ validator.String = stringCheck{}

func (v stringCheck) Description(context.Context) string         { return v.desc }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.desc }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v.check(req.Path, req.ConfigValue.ValueString(), &resp.Diagnostics)
}
