package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSameAttrs(t *testing.T) {
	base := func() identityModel {
		return identityModel{
			ID: types.StringValue("id1"), Name: types.StringValue("n"), Type: types.StringValue("Device"),
			IsAdmin: types.BoolValue(false), RoleAttributes: setFromStrings([]string{"a", "b"}),
			ExternalID: types.StringNull(), AppData: types.MapNull(types.StringType),
			Tags: tagsToMap(map[string]any{"k": "v"}, types.MapNull(types.StringType)),
		}
	}
	changes := map[string]func(*identityModel){
		"name":              func(m *identityModel) { m.Name = types.StringValue("other") },
		"null vs empty":     func(m *identityModel) { m.ExternalID = types.StringValue("") },
		"unknown vs null":   func(m *identityModel) { m.AppData = types.MapUnknown(types.StringType) },
		"set element":       func(m *identityModel) { m.RoleAttributes = setFromStrings([]string{"a"}) },
		"map value":         func(m *identityModel) { m.Tags = tagsToMap(map[string]any{"k": "w"}, m.Tags) },
		"bool":              func(m *identityModel) { m.IsAdmin = types.BoolValue(true) },
		"zero value vs set": func(m *identityModel) { m.IsEnrolled = types.BoolValue(false) },
	}
	a, b := base(), base()
	b.RoleAttributes = setFromStrings([]string{"b", "a"}) // sets ignore order
	if !sameAttrs(a, b) {
		t.Fatal("equal models reported as different")
	}
	for name, change := range changes {
		b := base()
		change(&b)
		if sameAttrs(a, b) {
			t.Errorf("%s: a changed model reported as the same", name)
		}
	}
	if sameAttrs(a, enrollmentModel{}) {
		t.Error("models of different types reported as the same")
	}
}

func TestResourceSchema(t *testing.T) {
	s, ok := ResourceSchema(t.Context(), "ziti_enrollment")
	if !ok {
		t.Fatal("ziti_enrollment not found")
	}
	if a, ok := s.Attributes["jwt"]; !ok || !a.IsSensitive() {
		t.Fatalf("ziti_enrollment schema has no sensitive jwt attribute: %v", s.Attributes)
	}
	if _, ok := ResourceSchema(t.Context(), "ziti_nonexistent"); ok {
		t.Fatal("an unknown type name was found")
	}
}
