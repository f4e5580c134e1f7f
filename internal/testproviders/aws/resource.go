package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// resourceDef describes one AWS resource type of the double: its schema and
// how the "API" fills what AWS would compute.
type resourceDef struct {
	typeName string
	schema   schema.Schema
	// fill sets the top-level computed values that are still unknown.
	fill func(f *filler)
	// nested returns the value of a computed attribute inside a block, by
	// its dotted path without indexes ("health_check.timeout"); ok=false
	// leaves it null.
	nested func(path string, f *filler) (v interface{}, ok bool)
	// check emulates the errors the AWS API returns at apply time for
	// requests the schema accepts but the service refuses.
	check func(f *filler) error
	// checkDelete does the same for a delete.
	checkDelete func(prior *filler) error
	// customizeDiff runs at plan time after the schema's plan modifiers,
	// where the real provider runs its CustomizeDiff functions.
	customizeDiff    func(d *planDiff)
	configValidators []resource.ConfigValidator
	// unique names the objects AWS keeps unique per account and region: a
	// kind for the account, the label the real provider's "already exists"
	// error uses, and the attribute holding the name.
	unique *uniqueName
}

// uniqueName describes a name the real provider checks before creating.
type uniqueName struct{ kind, label, attr string }

// stubResource serves a resourceDef. State is exactly the plan with the
// unknowns filled in: nothing exists outside Terraform's state.
type stubResource struct {
	def  *resourceDef
	data *providerData
}

var (
	_ resource.Resource                     = (*stubResource)(nil)
	_ resource.ResourceWithConfigure        = (*stubResource)(nil)
	_ resource.ResourceWithConfigValidators = (*stubResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*stubResource)(nil)
)

func (r *stubResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.def.typeName
}

func (r *stubResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.def.schema
}

func (r *stubResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return r.def.configValidators
}

func (r *stubResource) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if d, ok := req.ProviderData.(*providerData); ok {
		r.data = d
	}
}

func (r *stubResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	v, err := r.complete(req.Plan.Raw, tftypes.Value{})
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("creating %s", r.def.typeName), err.Error())
		return
	}
	resp.State.Raw = v
}

func (r *stubResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
	// The framework pre-populates resp.State with the prior state, which is
	// all there is to read.
}

func (r *stubResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	v, err := r.complete(req.Plan.Raw, req.State.Raw)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("updating %s", r.def.typeName), err.Error())
		return
	}
	resp.State.Raw = v
}

func (r *stubResource) Delete(_ context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	prior, err := r.filler(req.State.Raw)
	if err == nil && r.def.checkDelete != nil {
		err = r.def.checkDelete(prior)
	}
	if err == nil && r.def.unique != nil {
		err = r.data.account.release(prior.region, r.def.unique.kind, prior.strOr(r.def.unique.attr, ""))
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("deleting %s", r.def.typeName), err.Error())
	}
}

// filler wraps an object of this resource type.
func (r *stubResource) filler(v tftypes.Value) (*filler, error) {
	if r.data == nil {
		return nil, fmt.Errorf("the provider is not configured")
	}
	obj := map[string]tftypes.Value{}
	if err := v.As(&obj); err != nil {
		return nil, err
	}
	return &filler{typeName: r.def.typeName, region: r.data.region, obj: obj, data: r.data}, nil
}

// complete turns a planned object into the applied one; prior is the state
// of an update, a zero Value for a create.
func (r *stubResource) complete(plan, prior tftypes.Value) (tftypes.Value, error) {
	f, err := r.filler(plan)
	if err != nil {
		return plan, err
	}
	obj := f.obj
	if r.def.check != nil {
		if err := r.def.check(f); err != nil {
			return plan, err
		}
	}
	if prior.Type() == nil && r.def.unique != nil {
		// The real provider looks the name up before creating (the API
		// itself would return the existing object for an identical one).
		if name, ok := f.str(r.def.unique.attr); ok {
			gen, err := r.data.account.claim(f.region, r.def.unique.kind, name)
			if errors.Is(err, errNameTaken) {
				return plan, fmt.Errorf("%s (%s) already exists (the real provider's check before creating, emulated by the schema double)", r.def.unique.label, name)
			}
			if err != nil {
				return plan, err
			}
			f.gen = gen
		}
	}
	f.fillTags()
	if r.def.fill != nil {
		r.def.fill(f)
	}
	top := tftypes.NewValue(plan.Type(), obj)
	return tftypes.Transform(top, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		if r.def.nested != nil {
			if nv, ok := r.def.nested(dotted(p), f); ok {
				return tftypes.NewValue(v.Type(), goValue(nv)), nil
			}
		}
		// AWS may leave a computed attribute empty; null is a valid
		// result for any unknown.
		return tftypes.NewValue(v.Type(), nil), nil
	})
}

// dotted renders an attribute path as "a.b.c", dropping list/set indexes.
func dotted(p *tftypes.AttributePath) string {
	var parts []string
	for _, s := range p.Steps() {
		if a, ok := s.(tftypes.AttributeName); ok {
			parts = append(parts, string(a))
		}
	}
	return strings.Join(parts, ".")
}

// filler gives the fill functions typed access to the planned object.
type filler struct {
	typeName string
	region   string
	obj      map[string]tftypes.Value
	data     *providerData
	// gen counts the objects of this unique name created in the account
	// (0 without an account): identifiers mix it in when above 1.
	gen int
}

// str returns a known, non-null string attribute.
func (f *filler) str(name string) (string, bool) {
	v, ok := f.obj[name]
	if !ok || !v.IsKnown() || v.IsNull() {
		return "", false
	}
	var s string
	if err := v.As(&s); err != nil {
		return "", false
	}
	return s, true
}

// strOr returns a string attribute or def.
func (f *filler) strOr(name, def string) string {
	if s, ok := f.str(name); ok {
		return s
	}
	return def
}

// boolean returns a known, non-null bool attribute.
func (f *filler) boolean(name string) (bool, bool) {
	v, ok := f.obj[name]
	if !ok || !v.IsKnown() || v.IsNull() {
		return false, false
	}
	var b bool
	if err := v.As(&b); err != nil {
		return false, false
	}
	return b, true
}

// num returns a known, non-null number attribute as int64.
func (f *filler) num(name string) (int64, bool) {
	v, ok := f.obj[name]
	if !ok || !v.IsKnown() || v.IsNull() {
		return 0, false
	}
	var n big.Float
	if err := v.As(&n); err != nil {
		return 0, false
	}
	i, _ := n.Int64()
	return i, true
}

// strs returns the known elements of a list or set of strings.
func (f *filler) strs(name string) []string {
	v, ok := f.obj[name]
	if !ok || !v.IsKnown() || v.IsNull() {
		return nil
	}
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return nil
	}
	var out []string
	for _, e := range elems {
		var s string
		if e.IsKnown() && !e.IsNull() && e.As(&s) == nil {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// blocks returns the elements of a nested block as attribute maps.
func (f *filler) blocks(name string) []map[string]tftypes.Value {
	v, ok := f.obj[name]
	if !ok || !v.IsKnown() || v.IsNull() {
		return nil
	}
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return nil
	}
	var out []map[string]tftypes.Value
	for _, e := range elems {
		m := map[string]tftypes.Value{}
		if e.As(&m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// set stores v in attribute name if the plan left it unknown: values the
// configuration chose are never overwritten.
func (f *filler) set(name string, v interface{}) {
	cur, ok := f.obj[name]
	if !ok || cur.IsKnown() {
		return
	}
	f.obj[name] = tftypes.NewValue(cur.Type(), goValue(v))
}

// fillTags computes tags_all = provider default_tags + tags, as AWS does.
func (f *filler) fillTags() {
	cur, ok := f.obj["tags_all"]
	if !ok || cur.IsKnown() {
		return
	}
	all := map[string]string{}
	for k, v := range f.data.defaultTags {
		all[k] = v
	}
	if t, ok := f.obj["tags"]; ok && t.IsKnown() && !t.IsNull() {
		m := map[string]tftypes.Value{}
		if t.As(&m) == nil {
			for k, v := range m {
				var s string
				if v.IsKnown() && v.As(&s) == nil {
					all[k] = s
				}
			}
		}
	}
	f.set("tags_all", all)
}

// arn builds an ARN in the double's account.
func (f *filler) arn(service, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, f.region, accountID, resource)
}

// genParts are mixed into the identifiers of an object whose name was
// used before in the account, so a re-created object differs from the one
// it replaces; none for the first, keeping identifiers stable without an
// account.
func (f *filler) genParts() []string {
	if f.gen > 1 {
		return []string{fmt.Sprint(f.gen)}
	}
	return nil
}

// hexID derives n lowercase hex digits from parts: the same configuration
// always gets the same identifiers, so test assertions and plans are stable.
func hexID(n int, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])[:n]
}

// goValue converts Go values into what tftypes.NewValue accepts.
func goValue(v interface{}) interface{} {
	switch x := v.(type) {
	case nil:
		return nil
	case int:
		return big.NewFloat(float64(x))
	case int64:
		return big.NewFloat(float64(x))
	case []string:
		out := make([]tftypes.Value, len(x))
		for i, s := range x {
			out[i] = tftypes.NewValue(tftypes.String, s)
		}
		return out
	case map[string]string:
		out := make(map[string]tftypes.Value, len(x))
		for k, s := range x {
			out[k] = tftypes.NewValue(tftypes.String, s)
		}
		return out
	default:
		return v
	}
}

// mapOf returns a known map of strings attribute.
func mapOf(f *filler, name string) map[string]string {
	out := map[string]string{}
	v, ok := f.obj[name]
	if !ok || !v.IsKnown() || v.IsNull() {
		return out
	}
	m := map[string]tftypes.Value{}
	if v.As(&m) != nil {
		return out
	}
	for k, e := range m {
		var s string
		if e.IsKnown() && e.As(&s) == nil {
			out[k] = s
		}
	}
	return out
}

// sortStrings sorts s in place and returns it.
func sortStrings(s []string) []string {
	sort.Strings(s)
	return s
}
