package edgewire

import (
	"strings"
	"testing"
)

func TestBuiltinConfigTypes(t *testing.T) {
	for _, ct := range BuiltinConfigTypes {
		got, ok := BuiltinConfigTypeByID(ct.ID)
		if !ok || got != ct {
			t.Errorf("BuiltinConfigTypeByID(%q) = %v, %v", ct.ID, got, ok)
		}
		// Every schema compiles and accepts nothing that is not an object.
		if _, err := ValidateConfigData(ct.Schema(), []byte(`{}`)); err != nil {
			t.Errorf("%s: %v", ct.Name, err)
		}
	}
	if _, ok := BuiltinConfigTypeByID("intercept.v1"); ok {
		t.Error("a built-in type's name was taken for its id (intercept.v1's id is g7cIWbcGg)")
	}
}

func TestValidateConfigData(t *testing.T) {
	byName := map[string]BuiltinConfigType{}
	for _, ct := range BuiltinConfigTypes {
		byName[ct.Name] = ct
	}
	for _, tt := range []struct {
		typ, data string
		want      string // a problem that must be reported; "" for valid data
	}{
		{"intercept.v1", `{"protocols":["tcp"],"addresses":["echo.ziti"],"portRanges":[{"low":80,"high":80}]}`, ""},
		{"intercept.v1", `{"protocols":["tcp"],"addresses":["echo.ziti"]}`, "portRanges is required"},
		{"intercept.v1", `{"protocols":["icmp"],"addresses":["echo.ziti"],"portRanges":[{"low":80,"high":80}]}`, "protocols"},
		{"host.v1", `{"protocol":"tcp","address":"127.0.0.1","port":8080}`, ""},
		{"host.v1", `{"protocol":"tcp","address":"127.0.0.1","port":70000}`, "port"},
		{"host.v2", `{"terminators":[{"protocol":"tcp","address":"127.0.0.1","port":8080}]}`, ""},
		{"host.v2", `{"terminators":[]}`, "terminators"},
	} {
		problems, err := ValidateConfigData(byName[tt.typ].Schema(), []byte(tt.data))
		if err != nil {
			t.Fatalf("%s %s: %v", tt.typ, tt.data, err)
		}
		joined := strings.Join(problems, "; ")
		if (tt.want == "") != (len(problems) == 0) || !strings.Contains(joined, tt.want) {
			t.Errorf("%s %s: problems %q, want one containing %q", tt.typ, tt.data, joined, tt.want)
		}
	}
}
