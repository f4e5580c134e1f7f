package server

import (
	"net/url"
	"slices"
	"sort"
	"testing"
)

// create POSTs body to a management collection and returns the new id.
func (c *client) create(collection string, body map[string]any) string {
	c.t.Helper()
	r := c.mustStatus(c.do("POST", mgmt+"/"+collection, body), 201)
	id, _ := r.data(c.t)["id"].(string)
	if id == "" {
		c.t.Fatalf("no id in %s", r.Body)
	}
	return id
}

// names lists a management list endpoint (one page of up to 500) and
// returns the names of its entries, sorted.
func (c *client) names(path string) []string {
	c.t.Helper()
	r := c.mustStatus(c.do("GET", mgmt+path+sep(path)+"limit=500", nil), 200)
	var out []string
	for _, e := range r.json(c.t)["data"].([]any) {
		out = append(out, e.(map[string]any)["name"].(string))
	}
	sort.Strings(out)
	return out
}

func sep(path string) string {
	if slices.Contains([]byte(path), '?') {
		return "&"
	}
	return "?"
}

// wantError checks a refusal's status, code and the field its cause names.
func wantError(t *testing.T, r *response, status int, code, field string) {
	t.Helper()
	if r.Status != status || r.errorCode(t) != code {
		t.Fatalf("got %d %s, want %d %s", r.Status, r.Body, status, code)
	}
	if field != "" {
		if got := jsonPath(r.json(t), "error", "cause", "field"); got != field {
			t.Fatalf("cause field %v, want %s: %s", got, field, r.Body)
		}
	}
}

// TestServicesConfigsAndTypes checks services, configs and config types
// through the API, every answer checked against the specification: the
// built-in config types, schema validation of config data, one config per
// type on a service, and what deleting a config or its type does.
func TestServicesConfigsAndTypes(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()

	types := c.names("/config-types")
	for _, want := range []string{"host.v1", "host.v2", "intercept.v1", "interfaces.v1", "proxy.v1", "ziti-tunneler-client.v1", "ziti-tunneler-server.v1"} {
		if !slices.Contains(types, want) {
			t.Fatalf("built-in config type %s missing from %v", want, types)
		}
	}
	intercept := jsonPath(c.mustStatus(c.do("GET", mgmt+"/config-types?filter="+url.QueryEscape(`name="intercept.v1"`), nil), 200).json(t), "data").([]any)[0].(map[string]any)
	if intercept["id"] != "g7cIWbcGg" {
		t.Fatalf("intercept.v1 has id %v, want OpenZiti's g7cIWbcGg", intercept["id"])
	}

	// Data is checked against the type's schema; the refusal names the field.
	bad := c.do("POST", mgmt+"/configs", map[string]any{"name": "c", "configTypeId": "g7cIWbcGg",
		"data": map[string]any{"protocols": []string{"tcp"}, "addresses": []string{"echo.ziti"}}})
	wantError(t, bad, 400, "COULD_NOT_VALIDATE", "data")
	bad = c.do("POST", mgmt+"/configs", map[string]any{"name": "c", "configTypeId": "intercept.v1", "data": map[string]any{}})
	wantError(t, bad, 400, "COULD_NOT_VALIDATE", "configTypeId")
	wantError(t, c.do("POST", mgmt+"/configs", map[string]any{"name": "c", "configTypeId": "g7cIWbcGg"}), 400, "COULD_NOT_VALIDATE", "data")
	interceptData := map[string]any{"protocols": []string{"tcp"}, "addresses": []string{"echo.ziti"}, "portRanges": []any{map[string]any{"low": 7, "high": 7}}}
	ic := c.create("configs", map[string]any{"name": "echo-intercept", "configTypeId": "g7cIWbcGg", "data": interceptData})
	ic2 := c.create("configs", map[string]any{"name": "echo-intercept-2", "configTypeId": "g7cIWbcGg", "data": interceptData})
	hc := c.create("configs", map[string]any{"name": "echo-host", "configTypeId": "NH5p4FpGR",
		"data": map[string]any{"protocol": "tcp", "address": "127.0.0.1", "port": 7}})
	// PATCH revalidates the data; a bad patch changes nothing.
	wantError(t, c.do("PATCH", mgmt+"/configs/"+hc, map[string]any{"data": map[string]any{"protocol": "sctp", "address": "127.0.0.1", "port": 7}}), 400, "COULD_NOT_VALIDATE", "data.protocol")
	cfg := c.mustStatus(c.do("GET", mgmt+"/configs/"+hc, nil), 200).data(t)
	if jsonPath(cfg, "data", "protocol") != "tcp" || jsonPath(cfg, "configType", "name") != "host.v1" {
		t.Fatalf("config after a refused PATCH: %v", cfg)
	}

	// Services: encryptionRequired is required on create; the defaults.
	wantError(t, c.do("POST", mgmt+"/services", map[string]any{"name": "echo"}), 400, "COULD_NOT_VALIDATE", "encryptionRequired")
	wantError(t, c.do("POST", mgmt+"/services", map[string]any{"name": "echo", "encryptionRequired": true, "roleAttributes": []string{"#web"}}), 400, "COULD_NOT_VALIDATE", "roleAttributes")
	wantError(t, c.do("POST", mgmt+"/services", map[string]any{"name": "echo", "encryptionRequired": true, "configs": []string{ic, ic2}}), 400, "COULD_NOT_VALIDATE", "configs")
	wantError(t, c.do("POST", mgmt+"/services", map[string]any{"name": "echo", "encryptionRequired": true, "configs": []string{"nope"}}), 404, "NOT_FOUND", "")
	wantError(t, c.do("POST", mgmt+"/services", map[string]any{"name": "echo", "encryptionRequired": true, "terminatorStrategy": "bogus"}), 404, "NOT_FOUND", "")
	svc := c.create("services", map[string]any{"name": "echo", "encryptionRequired": true, "configs": []string{ic, hc}, "roleAttributes": []string{"web"}})
	d := c.mustStatus(c.do("GET", mgmt+"/services/"+svc, nil), 200).data(t)
	if d["terminatorStrategy"] != "smartrouting" || d["encryptionRequired"] != true || d["maxIdleTimeMillis"] != 0.0 || len(d["configs"].([]any)) != 2 {
		t.Fatalf("service detail: %v", d)
	}
	// PUT sets every field: encryptionRequired absent is false.
	c.mustStatus(c.do("PUT", mgmt+"/services/"+svc, map[string]any{"name": "echo", "configs": []string{ic}}), 200)
	d = c.mustStatus(c.do("GET", mgmt+"/services/"+svc, nil), 200).data(t)
	if d["encryptionRequired"] != false || len(d["roleAttributes"].([]any)) != 0 || len(d["configs"].([]any)) != 1 {
		t.Fatalf("service after PUT: %v", d)
	}
	c.mustStatus(c.do("PATCH", mgmt+"/services/"+svc, map[string]any{"configs": []string{ic, hc}, "roleAttributes": []string{"web"}}), 200)
	if got := c.names("/services/" + svc + "/configs"); !slices.Equal(got, []string{"echo-host", "echo-intercept"}) {
		t.Fatalf("service configs %v", got)
	}
	if got := c.names("/configs/" + hc + "/services"); !slices.Equal(got, []string{"echo"}) {
		t.Fatalf("config services %v", got)
	}
	if got := c.names("/config-types/g7cIWbcGg/configs"); !slices.Equal(got, []string{"echo-intercept", "echo-intercept-2"}) {
		t.Fatalf("config type configs %v", got)
	}
	if got := c.names("/services?filter=" + url.QueryEscape(`roleAttributes contains "web"`)); !slices.Equal(got, []string{"echo"}) {
		t.Fatalf("filtered services %v", got)
	}

	// A config type in use cannot be deleted; deleting a config takes it
	// off the services that use it.
	wantError(t, c.do("DELETE", mgmt+"/config-types/NH5p4FpGR", nil), 409, "CONFLICT", "")
	c.mustStatus(c.do("DELETE", mgmt+"/configs/"+hc, nil), 200)
	if got := c.names("/services/" + svc + "/configs"); !slices.Equal(got, []string{"echo-intercept"}) {
		t.Fatalf("service configs after deleting one: %v", got)
	}
	c.mustStatus(c.do("DELETE", mgmt+"/config-types/NH5p4FpGR", nil), 200)

	// A config type of one's own: the schema must compile and be an object.
	wantError(t, c.do("POST", mgmt+"/config-types", map[string]any{"name": "all"}), 400, "COULD_NOT_VALIDATE", "name")
	wantError(t, c.do("POST", mgmt+"/config-types", map[string]any{"name": "x.v1", "schema": map[string]any{"type": "array"}}), 400, "COULD_NOT_VALIDATE", "schema")
	wantError(t, c.do("POST", mgmt+"/config-types", map[string]any{"name": "x.v1", "schema": map[string]any{"type": 7}}), 400, "COULD_NOT_VALIDATE", "schema")
	xt := c.create("config-types", map[string]any{"name": "x.v1", "schema": map[string]any{"type": "object", "required": []string{"a"}}})
	wantError(t, c.do("POST", mgmt+"/configs", map[string]any{"name": "x", "configTypeId": xt, "data": map[string]any{}}), 400, "COULD_NOT_VALIDATE", "data")
	c.create("configs", map[string]any{"name": "x", "configTypeId": xt, "data": map[string]any{"a": 1}})
}
