package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// ControllerDefaulted refuses the empty string for an attribute the
// controller fills in itself: it stores its default instead of "", so the
// empty value could never be applied as written.
func ControllerDefaulted(def string) validator.String {
	return stringCheck{desc: "must not be empty (omit it for the controller's default)", check: func(p path.Path, s string, diags *diag.Diagnostics) {
		if s == "" {
			diags.AddAttributeError(p, "Empty value",
				fmt.Sprintf("%s = \"\" is not kept: the controller stores its default (%s) instead. Omit %s to use the controller's default, or set a value.", p, def, p))
		}
	}}
}

// NotEmptyObject refuses a nested object with no attribute set (`x = {}`),
// which the controller drops: it reads back as null.
func NotEmptyObject(fix string) validator.Object { return emptyObject{fix: fix} }

type emptyObject struct{ fix string }

func (emptyObject) Description(context.Context) string {
	return "must set at least one attribute, or be omitted"
}

func (v emptyObject) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v emptyObject) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || !allNull(req.ConfigValue) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Empty object",
		fmt.Sprintf("%s = {} is not kept: the controller drops an object with no attribute set and reads it back as null. %s", req.Path, v.fix))
}

func allNull(o basetypes.ObjectValue) bool {
	for _, a := range o.Attributes() {
		if !a.IsNull() {
			return false
		}
	}
	return true
}
