package server

import (
	"slices"
	"sort"
	"testing"
	"time"
)

// newUser creates a non-admin identity with role attributes and a password
// and returns a client logged in on the client API, sending configTypes at
// login as SDKs do.
func (c *client) newUser(name string, attrs []string, configTypes ...string) (*client, string) {
	c.t.Helper()
	id := c.createIdentity(map[string]any{"name": name, "type": "User", "isAdmin": false, "roleAttributes": attrs, "enrollment": map[string]any{"updb": name}})
	tok := jsonPath(c.mustStatus(c.do("GET", mgmt+"/identities/"+id, nil), 200).data(c.t), "enrollment", "updb", "token").(string)
	u := newClient(c.t, c.s)
	u.mustStatus(u.do("POST", "/edge/client/v1/enroll?method=updb&token="+tok, map[string]string{"username": name, "password": name + "-pw-1"}), 200)
	r := u.mustStatus(u.do("POST", "/edge/client/v1/authenticate?method=password", map[string]any{"username": name, "password": name + "-pw-1", "configTypes": configTypes}), 200)
	u.session = r.Header.Get("zt-session")
	return u, id
}

// clientServices lists GET /edge/client/v1/services<query> and returns
// service name -> its detail.
func (c *client) clientServices(query string) map[string]map[string]any {
	c.t.Helper()
	r := c.mustStatus(c.do("GET", "/edge/client/v1/services"+query, nil), 200)
	out := map[string]map[string]any{}
	for _, e := range r.json(c.t)["data"].([]any) {
		d := e.(map[string]any)
		out[d["name"].(string)] = d
	}
	return out
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	sort.Strings(out)
	return out
}

// TestClientServices is what an SDK or tunneler sees: the services its
// identity may dial or bind with their permissions and the configs of the
// types it asked for, the edge routers it may use, and the change clock it
// polls. Every answer is checked against the client API specification.
func TestClientServices(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	ic := c.create("configs", map[string]any{"name": "echo-intercept", "configTypeId": "g7cIWbcGg",
		"data": map[string]any{"protocols": []string{"tcp"}, "addresses": []string{"echo.ziti"}, "portRanges": []any{map[string]any{"low": 7, "high": 7}}}})
	hc := c.create("configs", map[string]any{"name": "echo-host", "configTypeId": "NH5p4FpGR",
		"data": map[string]any{"protocol": "tcp", "address": "127.0.0.1", "port": 7}})
	echo := c.create("services", map[string]any{"name": "echo", "encryptionRequired": true, "configs": []string{ic, hc}, "roleAttributes": []string{"echo"}})
	c.create("services", map[string]any{"name": "secret", "encryptionRequired": true})
	r1 := c.create("edge-routers", map[string]any{"name": "r1", "roleAttributes": []string{"public"}})
	c.create("edge-routers", map[string]any{"name": "r2"})
	c.create("edge-routers", map[string]any{"name": "r3-not-enrolled", "roleAttributes": []string{"public"}})
	cl, sv := routerCSRPair(t, []string{"r1.example"}, nil)
	newClient(t, s).mustStatus(newClient(t, s).do("POST", "/edge/client/v1/enroll?method=erott&token="+routerDetail(c, r1)["enrollmentToken"].(string),
		map[string]any{"certCsr": cl, "serverCertCsr": sv}), 200)
	client, _ := c.newUser("client", []string{"dialers"}, "intercept.v1")
	host, hostID := c.newUser("host", []string{"hosts"}, "all")
	c.create("service-policies", map[string]any{"name": "dial", "type": "Dial", "semantic": "AllOf", "identityRoles": []string{"#dialers"}, "serviceRoles": []string{"#echo"}})
	c.create("service-policies", map[string]any{"name": "bind", "type": "Bind", "semantic": "AnyOf", "identityRoles": []string{"@" + hostID}, "serviceRoles": []string{"#echo"}})
	c.create("edge-router-policies", map[string]any{"name": "erp", "semantic": "AnyOf", "identityRoles": []string{"#dialers"}, "edgeRouterRoles": []string{"#public"}})

	got := client.clientServices("")
	if len(got) != 1 || got["echo"] == nil {
		t.Fatalf("client's services: %v", got)
	}
	if p := strs(got["echo"]["permissions"]); !slices.Equal(p, []string{"Dial"}) {
		t.Fatalf("client's permissions on echo: %v", p)
	}
	// The config types sent at login; the query overrides them.
	if cfg := got["echo"]["config"].(map[string]any); len(cfg) != 1 || jsonPath(cfg, "intercept.v1", "addresses") == nil {
		t.Fatalf("client's configs (intercept.v1 asked at login): %v", cfg)
	}
	if cfg := client.clientServices("?configTypes=NH5p4FpGR")["echo"]["config"].(map[string]any); len(cfg) != 1 || jsonPath(cfg, "host.v1", "port") != 7.0 {
		t.Fatalf("client's configs with configTypes=NH5p4FpGR: %v", cfg)
	}
	hs := host.clientServices("")
	if p := strs(hs["echo"]["permissions"]); !slices.Equal(p, []string{"Bind"}) || len(hs["echo"]["config"].(map[string]any)) != 2 {
		t.Fatalf("host's echo: %v", hs["echo"])
	}
	// One service by id: only one the caller may use.
	client.mustStatus(client.do("GET", "/edge/client/v1/services/"+echo, nil), 200)
	var secretID string
	for _, d := range c.mustStatus(c.do("GET", mgmt+"/services?limit=500", nil), 200).json(t)["data"].([]any) {
		if d.(map[string]any)["name"] == "secret" {
			secretID = d.(map[string]any)["id"].(string)
		}
	}
	wantError(t, client.do("GET", "/edge/client/v1/services/"+secretID, nil), 404, "NOT_FOUND", "")
	// The admin gets no service by being admin: policies decide.
	if got := newClient(t, s).adminOn("/edge/client/v1").clientServices(""); len(got) != 0 {
		t.Fatalf("the admin's services: %v", got)
	}

	// The enrolled routers the client's edge router policies give it (as
	// OpenZiti: r3, selected but not enrolled, is left out), and every
	// enrolled one to an admin.
	r := client.mustStatus(client.do("GET", "/edge/client/v1/current-identity/edge-routers", nil), 200)
	if ers := r.json(t)["data"].([]any); len(ers) != 1 || ers[0].(map[string]any)["name"] != "r1" || ers[0].(map[string]any)["enrollmentJwt"] != nil {
		t.Fatalf("client's edge routers: %s", r.Body)
	}
	ad := newClient(t, s).adminOn("/edge/client/v1")
	r = ad.mustStatus(ad.do("GET", "/edge/client/v1/current-identity/edge-routers", nil), 200)
	if ers := r.json(t)["data"].([]any); len(ers) != 1 || ers[0].(map[string]any)["name"] != "r1" {
		t.Fatalf("the admin's edge routers: %s", r.Body)
	}

	// The change clock moves when a policy changes, and the service is gone.
	updates := func() time.Time {
		t.Helper()
		d := client.mustStatus(client.do("GET", "/edge/client/v1/current-api-session/service-updates", nil), 200).data(t)
		at, err := time.Parse(time.RFC3339Nano, d["lastChangeAt"].(string))
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	before := updates()
	c.mustStatus(c.do("PATCH", mgmt+"/identities/"+hostID, map[string]any{"roleAttributes": []string{}}), 200) // not what selects host
	c.mustStatus(c.do("DELETE", mgmt+"/services/"+echo, nil), 200)
	if after := updates(); !after.After(before) {
		t.Fatalf("lastChangeAt %v did not move past %v", after, before)
	}
	if got := client.clientServices(""); len(got) != 0 {
		t.Fatalf("client's services after deleting echo: %v", got)
	}
}

// adminOn logs the admin in on the given API.
func (c *client) adminOn(api string) *client {
	u, p := c.s.AdminCredentials()
	c.login(api, u, p)
	return c
}
