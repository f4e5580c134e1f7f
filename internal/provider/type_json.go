package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// jsonObjectType is a string holding a JSON object (a config's data, a
// config type's schema), compared semantically: two values are equal when
// they decode to the same object, whatever their key order, whitespace or
// number spelling. So jsonencode() output, a heredoc and the controller's
// own rendering of the same object are never a diff. A value that is not
// a JSON object is refused at plan time.
type jsonObjectType struct{ basetypes.StringType }

var (
	_ basetypes.StringTypable                    = jsonObjectType{}
	_ basetypes.StringValuableWithSemanticEquals = jsonObjectValue{}
	_ xattr.ValidateableAttribute                = jsonObjectValue{}
)

func (t jsonObjectType) Equal(o attr.Type) bool {
	_, ok := o.(jsonObjectType)
	return ok
}

func (t jsonObjectType) String() string { return "jsonObjectType" }

func (t jsonObjectType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return jsonObjectValue{StringValue: in}, nil
}

func (t jsonObjectType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return jsonObjectValue{StringValue: sv}, nil
}

func (t jsonObjectType) ValueType(context.Context) attr.Value { return jsonObjectValue{} }

// jsonObjectValue is a value of jsonObjectType.
type jsonObjectValue struct{ basetypes.StringValue }

func (v jsonObjectValue) Equal(o attr.Value) bool {
	ov, ok := o.(jsonObjectValue)
	return ok && v.StringValue.Equal(ov.StringValue)
}

func (v jsonObjectValue) Type(context.Context) attr.Type { return jsonObjectType{} }

func (v jsonObjectValue) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	o, ok := nv.(jsonObjectValue)
	if !ok {
		return false, nil
	}
	return sameJSON(v.ValueString(), o.ValueString()), nil
}

// ValidateAttribute refuses a value that is not a JSON object, naming the
// attribute and the fix.
func (v jsonObjectValue) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := decodeJSONObject([]byte(v.ValueString())); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid JSON object",
			fmt.Sprintf("%s must be a JSON object: %v. Write it with jsonencode({ ... }) or as a heredoc holding one {...} object.", req.Path, err))
	}
}

// decodeJSONObject decodes b, which must hold exactly one JSON object.
func decodeJSONObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var obj any
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("not valid JSON (%w)", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	m, ok := obj.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the JSON value is a %s, not an object", jsonKind(obj))
	}
	return m, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

// sameJSON reports whether two texts decode to equal JSON values.
func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return a == b
	}
	return reflect.DeepEqual(x, y)
}

// jsonFromAPI is the attribute value of a JSON object the controller
// returned: prior when it holds the same object (so the user's own
// formatting stays in state), null when the controller holds none and
// prior was null, else the object in a normalised form (sorted keys, no
// whitespace).
func jsonFromAPI(raw json.RawMessage, prior jsonObjectValue) jsonObjectValue {
	empty := len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null"
	if empty || string(bytes.TrimSpace(raw)) == "{}" {
		if prior.IsNull() || prior.IsUnknown() {
			return jsonObjectValue{StringValue: basetypes.NewStringNull()}
		}
	}
	if empty {
		raw = json.RawMessage("{}")
	}
	if !prior.IsNull() && !prior.IsUnknown() && sameJSON(prior.ValueString(), string(raw)) {
		return prior
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return newJSONObject(string(raw))
	}
	b, _ := json.Marshal(v)
	return newJSONObject(string(b))
}

// jsonToAPI is the request form of a JSON object attribute: nil when null.
func jsonToAPI(v jsonObjectValue) json.RawMessage {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return json.RawMessage(v.ValueString())
}

func newJSONObject(s string) jsonObjectValue {
	return jsonObjectValue{StringValue: basetypes.NewStringValue(s)}
}

// keepSameJSON plans the prior value of every top-level JSON object
// attribute whose configured value holds the same object in other words
// (keys reordered, whitespace): semantic equality alone only applies to
// what the provider returns, so without this such an edit would plan an
// update. Terraform accepts a planned value equal to the prior one as the
// provider saying the two are equivalent.
func keepSameJSON(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	for name, a := range req.Plan.Schema.GetAttributes() {
		if _, ok := a.GetType().(jsonObjectType); !ok {
			continue
		}
		var planned, prior jsonObjectValue
		p := path.Root(name)
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, p, &planned)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, p, &prior)...)
		if resp.Diagnostics.HasError() || planned.IsNull() || planned.IsUnknown() || prior.IsNull() || prior.IsUnknown() {
			continue
		}
		if !planned.Equal(prior) && sameJSON(planned.ValueString(), prior.ValueString()) {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, p, prior)...)
		}
	}
}
