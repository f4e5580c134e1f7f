package provider

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// networkBase is embedded (through networkResource or networkDataSource)
// by every resource and data source that talks to a controller: it holds
// the provider data and offers the client.
type networkBase struct {
	// typeName is the type name without the provider prefix
	// ("edge_router": ziti_edge_router).
	typeName string
	data     *providerData
}

func (n *networkBase) configure(providerData any, diags *diag.Diagnostics) {
	if d := providerDataFrom(providerData, diags); d != nil {
		n.data = d
	}
}

// client returns the controller client, or nil with the single "not
// configured" diagnostic; nil without a diagnostic means the provider
// configuration is unknown at plan time.
func (n *networkBase) client(diags *diag.Diagnostics) *edgeapi.Client {
	c, _ := n.data.networkClient(diags)
	return c
}

// planOnly reports whether the provider configuration is unknown, in which
// case reads during plan keep the prior state.
func (n *networkBase) planOnly() bool {
	return n.data != nil && n.data.unknown
}

// readRemote fetches the object behind a resource for Read. ok is false
// when there is nothing to refresh from: the provider configuration is
// unknown (plan keeps the prior state), no client is configured, the call
// failed (reported in resp), or the controller no longer has the object, in
// which case it is removed from state so the plan shows it being created.
func readRemote[D any](ctx context.Context, n *networkResource, resp *resource.ReadResponse, what, id string,
	get func(context.Context, *edgeapi.Client, string) (*D, error)) (d *D, ok bool) {
	if n.planOnly() {
		return d, false
	}
	c := n.client(&resp.Diagnostics)
	if c == nil {
		return d, false
	}
	d, err := get(ctx, c, id)
	if edgeapi.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return d, false
	}
	if err != nil {
		apiDiag(&resp.Diagnostics, "Reading "+what+" "+id, err)
		return d, false
	}
	return d, true
}

// setRefreshed stores the refreshed model next unless it equals prior
// attribute by attribute. Read's response starts out as the prior state,
// and State.Set converts the whole model by reflection, so a refresh that
// finds nothing changed (every resource of a no-change plan) keeps the
// state as it is and skips that conversion.
func setRefreshed[M any](ctx context.Context, resp *resource.ReadResponse, prior, next *M) {
	if sameAttrs(*prior, *next) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
}

// sameAttrs reports whether two models (structs whose fields are all
// attr.Value, or embedded structs of such fields) hold equal values in
// every field. Any other field (a nested attribute as a Go struct or
// slice) counts as changed.
func sameAttrs(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	return va.Type() == vb.Type() && sameFields(va, vb)
}

func sameFields(va, vb reflect.Value) bool {
	if va.Kind() != reflect.Struct {
		return false
	}
	for i := range va.NumField() {
		if va.Type().Field(i).Anonymous {
			if !sameFields(va.Field(i), vb.Field(i)) {
				return false
			}
			continue
		}
		x, ok1 := va.Field(i).Interface().(attr.Value)
		y, ok2 := vb.Field(i).Interface().(attr.Value)
		if !ok1 || !ok2 || !x.Equal(y) {
			return false
		}
	}
	return true
}

// deleteRemote deletes the object behind a resource; one that is already
// gone counts as deleted.
func deleteRemote(ctx context.Context, n *networkResource, diags *diag.Diagnostics, what, id string,
	del func(context.Context, *edgeapi.Client, string) error) {
	c := n.client(diags)
	if diags.HasError() || c == nil {
		return
	}
	if err := del(ctx, c, id); err != nil && !edgeapi.IsNotFound(err) {
		apiDiag(diags, "Deleting "+what+" "+id, err)
	}
}

// apiDiag adds an error from the Edge API with the operation in the summary.
func apiDiag(diags *diag.Diagnostics, op string, err error) {
	diags.AddError(op, err.Error())
}

// tagsFromMap converts a Terraform map(string) to API tags; null stays nil.
func tagsFromMap(ctx context.Context, m types.Map, diags *diag.Diagnostics) edgeapi.Tags {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	var sm map[string]string
	diags.Append(m.ElementsAs(ctx, &sm, false)...)
	out := edgeapi.Tags{}
	for k, v := range sm {
		out[k] = v
	}
	return out
}

// tagsToMap converts API tags to map(string). Non-string values (the API
// allows booleans and numbers) are shown in their JSON form. An empty map
// becomes null when the prior value was null, so "no tags" never diffs
// against "{}".
func tagsToMap(t edgeapi.Tags, prior types.Map) types.Map {
	if len(t) == 0 && (prior.IsNull() || prior.IsUnknown()) {
		return types.MapNull(types.StringType)
	}
	elems := make(map[string]attr.Value, len(t))
	for k, v := range t {
		switch x := v.(type) {
		case string:
			elems[k] = types.StringValue(x)
		case nil:
			elems[k] = types.StringValue("")
		default:
			b, _ := json.Marshal(x)
			elems[k] = types.StringValue(string(b))
		}
	}
	return types.MapValueMust(types.StringType, elems)
}

// stringsFromSet converts a set(string); null and unknown become empty.
func stringsFromSet(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	out := []string{}
	if s.IsNull() || s.IsUnknown() {
		return out
	}
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	sort.Strings(out)
	return out
}

func setFromStrings(v []string) types.Set {
	elems := make([]attr.Value, 0, len(v))
	for _, s := range v {
		elems = append(elems, types.StringValue(s))
	}
	return types.SetValueMust(types.StringType, elems)
}

func ptr[T any](v T) *T { return &v }

// optString maps "" and nil to null: the API treats an empty string as
// unset for fields like externalId.
func optString(p *string) types.String {
	if p == nil || *p == "" {
		return types.StringNull()
	}
	return types.StringValue(*p)
}

func strPtrOrNil(v types.String) *string {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return nil
	}
	s := v.ValueString()
	return &s
}

func timeString(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// asAPIError is errors.As for *edgeapi.APIError.
func asAPIError(err error, target **edgeapi.APIError) bool {
	return errors.As(err, target)
}
