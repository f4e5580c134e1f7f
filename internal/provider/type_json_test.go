package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

func TestJSONObjectSemanticEquality(t *testing.T) {
	a := newJSONObject(`{"b": [1, 2], "a": {"x": true}}`)
	for _, tt := range []struct {
		other string
		same  bool
	}{
		{`{"a":{"x":true},"b":[1,2]}`, true},
		{"{\n  \"a\": {\"x\": true},\n  \"b\": [1.0, 2]\n}", true},
		{`{"a":{"x":true},"b":[2,1]}`, false}, // array order matters
		{`{"a":{"x":true}}`, false},
	} {
		got, _ := a.StringSemanticEquals(context.Background(), newJSONObject(tt.other))
		if got != tt.same {
			t.Errorf("%s vs %s: equal = %v, want %v", a.ValueString(), tt.other, got, tt.same)
		}
	}
}

func TestJSONObjectValidate(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1}`:  "",
		`[1]`:      "array, not an object",
		`"x"`:      "string, not an object",
		`{"a":`:    "not valid JSON",
		`{} {}`:    "more than one JSON value",
		`null`:     "null, not an object",
		`{"a":1} `: "",
	} {
		var resp xattr.ValidateAttributeResponse
		newJSONObject(in).ValidateAttribute(context.Background(), xattr.ValidateAttributeRequest{Path: path.Root("data")}, &resp)
		got := ""
		for _, d := range resp.Diagnostics {
			got += d.Detail()
		}
		if (want == "") != (got == "") || !strings.Contains(got, want) || (got != "" && !strings.Contains(got, "data must be a JSON object")) {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestJSONFromAPI(t *testing.T) {
	null := jsonObjectValue{StringValue: basetypes.NewStringNull()}
	prior := newJSONObject(`{ "b": 1, "a": 2 }`)
	for _, tt := range []struct {
		raw   string
		prior jsonObjectValue
		want  string // "<null>" for null
	}{
		{`{"a":2,"b":1}`, prior, `{ "b": 1, "a": 2 }`}, // the same object keeps the user's text
		{`{"a":3,"b":1}`, prior, `{"a":3,"b":1}`},
		{`{"z":1, "a":2}`, null, `{"a":2,"z":1}`}, // normalised
		{`{}`, null, "<null>"},
		{`null`, null, "<null>"},
		{``, prior, `{}`},
	} {
		got := jsonFromAPI(json.RawMessage(tt.raw), tt.prior)
		s := got.ValueString()
		if got.IsNull() {
			s = "<null>"
		}
		if s != tt.want {
			t.Errorf("jsonFromAPI(%q, %s) = %s, want %s", tt.raw, tt.prior, s, tt.want)
		}
	}
}
