package planmodifiers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestNotInPast: a past time is refused when it would be sent (create, or a
// changed value), never when it is unchanged since it was applied.
func TestNotInPast(t *testing.T) {
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	pastOtherZone := time.Now().Add(-time.Hour).In(time.FixedZone("", 3600)).Format(time.RFC3339)
	null := types.StringNull()
	tests := []struct {
		name          string
		state, config types.String
		refused       bool
	}{
		{"create with a past time", null, types.StringValue(past), true},
		{"create with a future time", null, types.StringValue(future), false},
		{"changed to a past time", types.StringValue(future), types.StringValue(past), true},
		{"unchanged past time", types.StringValue(past), types.StringValue(past), false},
		{"same instant written in another zone", types.StringValue(past), types.StringValue(pastOtherZone), false},
		{"unknown", null, types.StringUnknown(), false},
		{"not set", types.StringValue(past), null, false},
		{"not a time (the validator's job)", null, types.StringValue("tomorrow"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := planmodifier.StringRequest{Path: path.Root("expires_at"), StateValue: tt.state, ConfigValue: tt.config, PlanValue: tt.config}
			var resp planmodifier.StringResponse
			NotInPast("duration").PlanModifyString(context.Background(), req, &resp)
			if got := resp.Diagnostics.HasError(); got != tt.refused {
				t.Fatalf("refused = %v, want %v: %v", got, tt.refused, resp.Diagnostics)
			}
			if tt.refused {
				msg := resp.Diagnostics[0].Detail()
				for _, want := range []string{`expires_at = "` + tt.config.ValueString() + `" has already passed`, "remove expires_at and set duration instead"} {
					if !strings.Contains(msg, want) {
						t.Fatalf("message %q lacks %q", msg, want)
					}
				}
			}
		})
	}
}
