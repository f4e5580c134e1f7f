package main

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ModifyPlan runs where the real provider (SDKv2) runs its CustomizeDiff
// functions: after the schema decided the plan, with the configuration, the
// prior state and the proposed values at hand. Optional+Computed attributes
// the configuration leaves out already hold their prior state here
// (UseStateForUnknown), as SDKv2 keeps them.
func (r *stubResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.Plan.Raw.IsKnown() || r.data == nil {
		return // destroy, or nothing to reason about yet
	}
	plan, err := r.filler(req.Plan.Raw)
	if err != nil {
		resp.Diagnostics.AddError("planning "+r.def.typeName, err.Error())
		return
	}
	config, err := r.filler(req.Config.Raw)
	if err != nil {
		resp.Diagnostics.AddError("planning "+r.def.typeName, err.Error())
		return
	}
	d := &planDiff{config: config, plan: plan}
	if !req.State.Raw.IsNull() {
		if d.state, err = r.filler(req.State.Raw); err != nil {
			resp.Diagnostics.AddError("planning "+r.def.typeName, err.Error())
			return
		}
	}
	d.setTagsAll()
	if r.def.customizeDiff != nil {
		r.def.customizeDiff(d)
	}
	resp.Plan.Raw = tftypes.NewValue(req.Plan.Raw.Type(), plan.obj)
	resp.RequiresReplace = append(resp.RequiresReplace, d.replace...)
	resp.Diagnostics.Append(d.diags...)
}

// planDiff is what the real provider's *schema.ResourceDiff offers a
// CustomizeDiff function: the configuration, the prior state (nil for a
// new object) and the plan, which it may change.
type planDiff struct {
	config, plan *filler
	state        *filler
	replace      path.Paths
	diags        diag.Diagnostics
}

// hasChange reports whether a top-level attribute's planned value differs
// from its prior state (ResourceDiff.HasChange); always true for a new object.
func (d *planDiff) hasChange(name string) bool {
	return d.state == nil || canon(d.state.obj[name]) != canon(d.plan.obj[name])
}

// configKnown reports whether the configured value is wholly known
// (the real provider's config.GetAttr(name).IsWhollyKnown()).
func (d *planDiff) configKnown(name string) bool {
	v, ok := d.config.obj[name]
	return ok && v.IsFullyKnown()
}

// forceNew makes the change replace the object (ResourceDiff.ForceNew).
func (d *planDiff) forceNew(name string) {
	d.replace = append(d.replace, path.Root(name))
}

// setUnknown leaves a computed attribute the configuration does not set
// to apply time (ResourceDiff.SetNewComputed; Terraform forgives the real,
// SDKv2, provider for doing it to a configured value too, not this one).
func (d *planDiff) setUnknown(name string) {
	if v, ok := d.plan.obj[name]; ok && d.config.obj[name].IsNull() {
		d.plan.obj[name] = tftypes.NewValue(v.Type(), tftypes.UnknownValue)
	}
}

// fail reports the error a CustomizeDiff function returns.
func (d *planDiff) fail(p path.Path, summary, detail string) {
	d.diags.AddAttributeError(p, summary, detail)
}

// setTagsAll plans tags_all as the provider's default_tags merged with the
// resource's tags, as verify.SetTagsDiff does for every tagged resource, so
// a tags change shows in tags_all at plan time instead of keeping the prior
// value.
func (d *planDiff) setTagsAll() {
	cur, ok := d.plan.obj["tags_all"]
	if !ok || !d.config.obj["tags_all"].IsNull() {
		return
	}
	tags := d.plan.obj["tags"]
	if !tags.IsFullyKnown() {
		d.setUnknown("tags_all")
		return
	}
	all := map[string]string{}
	for k, v := range d.plan.data.defaultTags {
		all[k] = v
	}
	for k, v := range mapOf(d.plan, "tags") {
		all[k] = v
	}
	switch {
	case len(all) > 0:
		d.plan.obj["tags_all"] = tftypes.NewValue(cur.Type(), goValue(all))
	case d.state != nil && len(mapOf(d.state, "tags_all")) > 0:
		d.setUnknown("tags_all")
	}
}

// canon renders a value as a string equal for equal values: set elements
// in sorted order, unknown as "?", so sets compare regardless of order.
func canon(v tftypes.Value) string {
	switch {
	case v.Type() == nil:
		return "<nil>"
	case !v.IsKnown():
		return "?"
	case v.IsNull():
		return "null"
	}
	t := v.Type()
	switch {
	case t.Is(tftypes.List{}) || t.Is(tftypes.Set{}) || t.Is(tftypes.Tuple{}):
		var elems []tftypes.Value
		_ = v.As(&elems)
		parts := make([]string, len(elems))
		for i, e := range elems {
			parts[i] = canon(e)
		}
		if t.Is(tftypes.Set{}) {
			sort.Strings(parts)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case t.Is(tftypes.Map{}) || t.Is(tftypes.Object{}):
		m := map[string]tftypes.Value{}
		_ = v.As(&m)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%q:%s", k, canon(m[k]))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case t.Is(tftypes.Number):
		var n big.Float
		_ = v.As(&n)
		return n.String()
	case t.Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return fmt.Sprint(b)
	default:
		var s string
		_ = v.As(&s)
		return fmt.Sprintf("%q", s)
	}
}
