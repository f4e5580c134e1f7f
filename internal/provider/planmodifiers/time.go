package planmodifiers

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// NotInPast refuses an RFC 3339 time that has already passed when the plan
// would send it: when the resource is created (also as the new half of a
// replacement, which Terraform plans without a prior state) or the value
// changes. It is a plan modifier, not a validator, because it needs the
// state: a value unchanged since it was applied is left alone, since what it
// set (an enrollment token's expiry, say) may have been used long ago, and a
// configuration must not stop planning only because time went by. instead
// names the attribute to use instead of a fixed time (such as "duration"),
// or is empty.
func NotInPast(instead string) planmodifier.String { return notInPast{instead: instead} }

type notInPast struct{ instead string }

func (notInPast) Description(context.Context) string {
	return "refuses a time that has already passed, unless it is unchanged"
}

func (m notInPast) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m notInPast) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	t, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString())
	if err != nil {
		return // the attribute's validator reports it
	}
	if !req.StateValue.IsNull() && !req.StateValue.IsUnknown() {
		if prior, err := time.Parse(time.RFC3339, req.StateValue.ValueString()); err == nil && prior.Equal(t) {
			return
		}
	}
	n := time.Now()
	if t.After(n) {
		return
	}
	fix := "Set a time in the future."
	if m.instead != "" {
		fix = fmt.Sprintf("Set a time in the future, or remove %s and set %s instead (a lifetime counted from the apply).", req.Path, m.instead)
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Time in the past",
		fmt.Sprintf("%s = %q has already passed (it is now %s): it would expire the moment it is set. %s",
			req.Path, req.ConfigValue.ValueString(), n.UTC().Format(time.RFC3339), fix))
}
