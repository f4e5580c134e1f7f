package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// AllRole selects every entity of the policy's kind.
const AllRole = "#all"

// Roles checks a policy's role list (identity_roles, service_roles...) as
// the controller does, at plan time: every entry is "#attribute" (the
// entities with that role attribute), "@id" (one entity) or "#all", and
// "#all" stands alone. Unknown entries are checked once known.
func Roles() validator.Set { return rolesValidator{} }

type rolesValidator struct{}

const rolesDesc = `each entry is "#attribute", "@id" or "#all" (alone)`

func (rolesValidator) Description(context.Context) string         { return rolesDesc }
func (rolesValidator) MarkdownDescription(context.Context) string { return rolesDesc }

func (rolesValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	for _, e := range elems {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if msg := badRole(s.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid role", fmt.Sprintf("%s: %s", req.Path, msg))
		}
		if s.ValueString() == AllRole && len(elems) > 1 {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid role",
				fmt.Sprintf("%s: %q selects every entity, so it must be the only entry: remove it, or remove the other %d entries", req.Path, AllRole, len(elems)-1))
		}
	}
}

// badRole says what is wrong with one role entry and how to fix it, or "".
func badRole(r string) string {
	const how = `write "#<attribute>" to select by role attribute, "@<id>" to select one entity by its id, or "#all" for every one`
	switch {
	case r == "#" || r == "@":
		return fmt.Sprintf("%q has nothing after the prefix: %s", r, how)
	case strings.HasPrefix(r, "#") || strings.HasPrefix(r, "@"):
		if strings.TrimSpace(r) != r {
			return fmt.Sprintf("%q has surrounding whitespace: remove it", r)
		}
		return ""
	default:
		return fmt.Sprintf("%q is not a role: %s (e.g. %q)", r, how, "#"+r)
	}
}
