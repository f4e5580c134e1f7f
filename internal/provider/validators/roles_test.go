package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestRoles(t *testing.T) {
	for _, tt := range []struct {
		roles []string
		want  string // part of the error; "" for none
	}{
		{[]string{"#web", "@3mYKu9Ip4"}, ""},
		{[]string{"#all"}, ""},
		{nil, ""},
		{[]string{"web"}, `"web" is not a role`},
		{[]string{"#"}, "nothing after the prefix"},
		{[]string{"#all", "#web"}, `"#all" selects every entity, so it must be the only entry`},
		{[]string{"@ x "}, "whitespace"},
	} {
		elems := make([]attr.Value, 0, len(tt.roles))
		for _, r := range tt.roles {
			elems = append(elems, types.StringValue(r))
		}
		req := validator.SetRequest{Path: path.Root("identity_roles"), ConfigValue: types.SetValueMust(types.StringType, elems)}
		var resp validator.SetResponse
		Roles().ValidateSet(context.Background(), req, &resp)
		got := ""
		for _, d := range resp.Diagnostics {
			got += d.Detail()
		}
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.roles, got, tt.want)
			continue
		}
		if got != "" && !strings.Contains(got, "identity_roles") {
			t.Errorf("%q: error %q does not name the attribute", tt.roles, got)
		}
	}
	var resp validator.SetResponse
	Roles().ValidateSet(context.Background(), validator.SetRequest{ConfigValue: types.SetUnknown(types.StringType)}, &resp)
	if resp.Diagnostics.HasError() {
		t.Error("an unknown set was refused")
	}
}
