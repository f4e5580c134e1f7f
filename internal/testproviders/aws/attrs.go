package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Attribute constructors. The real provider is mostly SDKv2: an argument
// with a Default is Optional+Computed here (the framework needs Computed for
// a default), ForceNew becomes RequiresReplace, and Computed-only values keep
// their prior state across updates (as AWS identifiers do).

type mode int

const (
	req      mode = 1 << iota // Required
	opt                       // Optional
	comp                      // Computed
	forceNew                  // changing it replaces the resource
)

func strA(m mode, v ...validator.String) schema.StringAttribute {
	a := schema.StringAttribute{Required: m&req != 0, Optional: m&opt != 0, Computed: m&comp != 0, Validators: v}
	if m&comp != 0 {
		a.PlanModifiers = append(a.PlanModifiers, stringplanmodifier.UseStateForUnknown())
	}
	if m&forceNew != 0 {
		a.PlanModifiers = append(a.PlanModifiers, stringplanmodifier.RequiresReplace())
	}
	return a
}

// replaced makes a string argument ForceNew.
func replaced(a schema.StringAttribute) schema.StringAttribute {
	a.PlanModifiers = append(a.PlanModifiers, stringplanmodifier.RequiresReplace())
	return a
}

func strDef(def string, v ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(def), Validators: v}
}

func boolA(m mode) schema.BoolAttribute {
	a := schema.BoolAttribute{Required: m&req != 0, Optional: m&opt != 0, Computed: m&comp != 0}
	if m&comp != 0 {
		a.PlanModifiers = append(a.PlanModifiers, boolplanmodifier.UseStateForUnknown())
	}
	if m&forceNew != 0 {
		a.PlanModifiers = append(a.PlanModifiers, boolplanmodifier.RequiresReplace())
	}
	return a
}

func boolDef(def bool) schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(def)}
}

func intA(m mode, v ...validator.Int64) schema.Int64Attribute {
	a := schema.Int64Attribute{Required: m&req != 0, Optional: m&opt != 0, Computed: m&comp != 0, Validators: v}
	if m&comp != 0 {
		a.PlanModifiers = append(a.PlanModifiers, int64planmodifier.UseStateForUnknown())
	}
	if m&forceNew != 0 {
		a.PlanModifiers = append(a.PlanModifiers, int64planmodifier.RequiresReplace())
	}
	return a
}

func intDef(def int64, v ...validator.Int64) schema.Int64Attribute {
	return schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(def), Validators: v}
}

func strSet(m mode) schema.SetAttribute {
	a := schema.SetAttribute{Optional: m&opt != 0, Computed: m&comp != 0, Required: m&req != 0, ElementType: types.StringType}
	if m&comp != 0 {
		a.PlanModifiers = append(a.PlanModifiers, setplanmodifier.UseStateForUnknown())
	}
	return a
}

func tagsA() schema.MapAttribute {
	return schema.MapAttribute{Optional: true, ElementType: types.StringType}
}

// tagsAllA is tags_all: Optional+Computed in the real schema
// (tftags.TagsSchemaComputed), planned by planDiff.setTagsAll.
func tagsAllA() schema.MapAttribute {
	return schema.MapAttribute{Optional: true, Computed: true, ElementType: types.StringType,
		PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()}}
}

// idA is the computed id every SDKv2 resource has.
func idA() schema.StringAttribute { return strA(comp) }

// block is a list block of at most max elements (0: unlimited) and at least min.
func block(min, max int, attrs map[string]schema.Attribute, blocks map[string]schema.Block) schema.ListNestedBlock {
	b := schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: attrs, Blocks: blocks}}
	if min > 0 || max > 0 {
		b.Validators = []validator.List{listSize{min: min, max: max}}
	}
	return b
}

func timeoutsBlock(names ...string) schema.SingleNestedBlock {
	attrs := map[string]schema.Attribute{}
	for _, n := range names {
		attrs[n] = schema.StringAttribute{Optional: true}
	}
	return schema.SingleNestedBlock{Attributes: attrs}
}

// oneOf accepts only the listed values (case-insensitively when fold).
type oneOf struct {
	values []string
	fold   bool
}

func enum(values ...string) oneOf     { return oneOf{values: values} }
func enumFold(values ...string) oneOf { return oneOf{values: values, fold: true} }
func (v oneOf) Description(context.Context) string {
	return "one of " + strings.Join(v.values, ", ")
}
func (v oneOf) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v oneOf) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	for _, ok := range v.values {
		if s == ok || (v.fold && strings.EqualFold(s, ok)) {
			return
		}
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid value",
		fmt.Sprintf("expected %s to be one of [%s], got %s", req.Path, strings.Join(v.values, " "), s))
}

// between checks an integer range.
type between struct{ lo, hi int64 }

func (v between) Description(context.Context) string {
	return fmt.Sprintf("between %d and %d", v.lo, v.hi)
}
func (v between) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v between) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if n := req.ConfigValue.ValueInt64(); n < v.lo || n > v.hi {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value",
			fmt.Sprintf("expected %s to be in the range (%d - %d), got %d", req.Path, v.lo, v.hi, n))
	}
}

// cidr checks an IPv4 or IPv6 CIDR block that is a network address, as the
// real aws_vpc_security_group_*_rule resources do.
type cidr struct{ v6 bool }

func (v cidr) Description(context.Context) string { return "a CIDR network address" }
func (v cidr) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (v cidr) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Addr().Is4() == v.v6 || p.Masked() != p {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CIDR block",
			fmt.Sprintf("%s: %q is not a valid %s CIDR network address", req.Path, s, map[bool]string{false: "IPv4", true: "IPv6"}[v.v6]))
	}
}

// ipAddr checks an IPv4 (or IPv6) address.
type ipAddr struct{ v6 bool }

func (v ipAddr) Description(context.Context) string { return "an IP address" }
func (v ipAddr) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (v ipAddr) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	a, err := netip.ParseAddr(req.ConfigValue.ValueString())
	if err != nil || a.Is4() == v.v6 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IP address",
			fmt.Sprintf("expected %s to contain a valid IP address, got %q", req.Path, req.ConfigValue.ValueString()))
	}
}

// arnV checks the shape of an ARN, as verify.ValidARN does.
type arnV struct{}

func (arnV) Description(context.Context) string               { return "an ARN" }
func (v arnV) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (arnV) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if parts := strings.SplitN(s, ":", 6); len(parts) != 6 || parts[0] != "arn" || parts[2] == "" || parts[5] == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid ARN", fmt.Sprintf("%s: %q is not a valid ARN", req.Path, s))
	}
}

// listSize bounds the number of blocks.
type listSize struct{ min, max int }

func (v listSize) Description(context.Context) string {
	return fmt.Sprintf("between %d and %d blocks", v.min, v.max)
}
func (v listSize) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v listSize) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsUnknown() {
		return
	}
	n := len(req.ConfigValue.Elements())
	if n < v.min {
		resp.Diagnostics.AddAttributeError(req.Path, "Missing block",
			fmt.Sprintf("at least %d %q block(s) are required", v.min, req.Path))
	}
	if v.max > 0 && n > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Too many blocks",
			fmt.Sprintf("no more than %d %q block(s) are allowed", v.max, req.Path))
	}
}

// exactlyOneOf mirrors SDKv2 ExactlyOneOf between top-level arguments.
type exactlyOneOf []string

func (v exactlyOneOf) Description(context.Context) string {
	return "exactly one of " + strings.Join(v, ", ")
}
func (v exactlyOneOf) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v exactlyOneOf) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	n, unknown := countSet(ctx, req.Config, v)
	if unknown {
		return
	}
	if n != 1 {
		resp.Diagnostics.AddAttributeError(path.Root(v[0]), "Invalid combination of arguments",
			fmt.Sprintf("exactly one of `%s` must be specified", strings.Join(v, ",")))
	}
}

// conflicts mirrors SDKv2 ConflictsWith between top-level arguments.
type conflicts []string

func (v conflicts) Description(context.Context) string {
	return "at most one of " + strings.Join(v, ", ")
}
func (v conflicts) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v conflicts) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if n, _ := countSet(ctx, req.Config, v); n > 1 {
		resp.Diagnostics.AddAttributeError(path.Root(v[0]), "Conflicting configuration arguments",
			fmt.Sprintf("only one of `%s` can be specified", strings.Join(v, ",")))
	}
}

// countSet counts the named arguments that are set: non-null, and for a
// block or collection, non-empty.
func countSet(_ context.Context, cfg tfsdk.Config, names []string) (n int, unknown bool) {
	obj := map[string]tftypes.Value{}
	if err := cfg.Raw.As(&obj); err != nil {
		return 0, true
	}
	for _, name := range names {
		v, ok := obj[name]
		switch {
		case !ok || v.IsNull():
		case !v.IsKnown():
			unknown = true
		case v.Type().Is(tftypes.List{}) || v.Type().Is(tftypes.Set{}):
			var elems []tftypes.Value
			if v.As(&elems) == nil && len(elems) > 0 {
				n++
			}
		default:
			n++
		}
	}
	return n, unknown
}

// intString checks a string that must hold an integer in a range (the
// provider's nullable.ValidateTypeStringNullableIntBetween).
type intString struct{ lo, hi int64 }

func (v intString) Description(context.Context) string {
	return fmt.Sprintf("an integer between %d and %d, as a string", v.lo, v.hi)
}
func (v intString) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v intString) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var n int64
	s := req.ConfigValue.ValueString()
	if _, err := fmt.Sscan(s, &n); err != nil || fmt.Sprint(n) != s || n < v.lo || n > v.hi {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value",
			fmt.Sprintf("%s: expected an integer between %d and %d, got %q", req.Path, v.lo, v.hi, s))
	}
}
