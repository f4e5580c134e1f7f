package server

import (
	"net/url"
	"slices"
	"testing"
)

// TestPoliciesAndRelationshipLists builds a small network through the API
// and reads every relationship list the specification defines for
// services, identities, edge routers and the three policy kinds, each
// answer checked against the specification.
func TestPoliciesAndRelationshipLists(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	alice := c.createIdentity(map[string]any{"name": "alice", "type": "User", "isAdmin": false, "roleAttributes": []string{"staff"}})
	host := c.createIdentity(map[string]any{"name": "host", "type": "User", "isAdmin": false, "roleAttributes": []string{"servers"}})
	web := c.create("services", map[string]any{"name": "web", "encryptionRequired": true, "roleAttributes": []string{"public"}})
	c.create("services", map[string]any{"name": "db", "encryptionRequired": true, "roleAttributes": []string{"internal"}})
	r1 := c.create("edge-routers", map[string]any{"name": "r1", "roleAttributes": []string{"public"}})
	c.create("edge-routers", map[string]any{"name": "r2"})

	// The API checks roles and semantic and names the field.
	wantError(t, c.do("POST", mgmt+"/service-policies", map[string]any{"name": "p", "type": "Dial", "identityRoles": []string{"#staff"}}), 400, "COULD_NOT_VALIDATE", "semantic")
	wantError(t, c.do("POST", mgmt+"/service-policies", map[string]any{"name": "p", "semantic": "AllOf", "identityRoles": []string{"#staff"}}), 400, "COULD_NOT_VALIDATE", "type")
	wantError(t, c.do("POST", mgmt+"/service-policies", map[string]any{"name": "p", "type": "Dial", "semantic": "OneOf"}), 400, "COULD_NOT_VALIDATE", "semantic")
	wantError(t, c.do("POST", mgmt+"/service-policies", map[string]any{"name": "p", "type": "Dial", "semantic": "AllOf", "identityRoles": []string{"staff"}}), 400, "COULD_NOT_VALIDATE", "identityRoles")
	wantError(t, c.do("POST", mgmt+"/edge-router-policies", map[string]any{"name": "p", "semantic": "AllOf", "edgeRouterRoles": []string{"#all", "#public"}}), 400, "COULD_NOT_VALIDATE", "edgeRouterRoles")
	wantError(t, c.do("POST", mgmt+"/service-edge-router-policies", map[string]any{"name": "p", "semantic": "AllOf", "serviceRoles": []string{"@" + alice}}), 400, "COULD_NOT_VALIDATE", "serviceRoles")

	c.create("posture-checks", map[string]any{"name": "corp-domain", "typeId": "DOMAIN", "domains": []string{"corp"}, "roleAttributes": []string{"corp"}})
	dial := c.create("service-policies", map[string]any{"name": "dial", "type": "Dial", "semantic": "AnyOf",
		"identityRoles": []string{"#staff"}, "serviceRoles": []string{"#public", "#internal"}, "postureCheckRoles": []string{"#corp"}})
	bind := c.create("service-policies", map[string]any{"name": "bind", "type": "Bind", "semantic": "AllOf",
		"identityRoles": []string{"@" + host}, "serviceRoles": []string{"@" + web}})
	erp := c.create("edge-router-policies", map[string]any{"name": "erp", "semantic": "AllOf", "identityRoles": []string{"#all"}, "edgeRouterRoles": []string{"#public"}})
	serp := c.create("service-edge-router-policies", map[string]any{"name": "serp", "semantic": "AnyOf", "serviceRoles": []string{"#all"}, "edgeRouterRoles": []string{"#all"}})

	d := c.mustStatus(c.do("GET", mgmt+"/service-policies/"+bind, nil), 200).data(t)
	if got := jsonPath(d, "identityRolesDisplay").([]any)[0].(map[string]any)["name"]; got != "@host" {
		t.Fatalf("identityRolesDisplay names @%s as %v", host, got)
	}

	for path, want := range map[string][]string{
		"/services/" + web + "/identities":                        {"alice", "host"},
		"/services/" + web + "/identities?policyType=bind":        {"host"},
		"/services/" + web + "/service-policies":                  {"bind", "dial"},
		"/services/" + web + "/edge-routers":                      {"r1", "r2"},
		"/services/" + web + "/service-edge-router-policies":      {"serp"},
		"/services/" + web + "/terminators":                       nil,
		"/identities/" + alice + "/services":                      {"db", "web"},
		"/identities/" + host + "/services?policyType=dial":       nil,
		"/identities/" + alice + "/service-policies":              {"dial"},
		"/identities/" + alice + "/edge-routers":                  {"r1"},
		"/identities/" + alice + "/edge-router-policies":          {"erp"},
		"/edge-routers/" + r1 + "/identities":                     {"admin", "alice", "host"},
		"/edge-routers/" + r1 + "/services":                       {"db", "web"},
		"/edge-routers/" + r1 + "/edge-router-policies":           {"erp"},
		"/edge-routers/" + r1 + "/service-edge-router-policies":   {"serp"},
		"/service-policies/" + dial + "/services":                 {"db", "web"},
		"/service-policies/" + dial + "/identities":               {"alice"},
		"/service-policies/" + dial + "/posture-checks":           {"corp-domain"},
		"/edge-router-policies/" + erp + "/edge-routers":          {"r1"},
		"/edge-router-policies/" + erp + "/identities":            {"admin", "alice", "host"},
		"/service-edge-router-policies/" + serp + "/services":     {"db", "web"},
		"/service-edge-router-policies/" + serp + "/edge-routers": {"r1", "r2"},
	} {
		if got := c.names(path); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
	wantError(t, c.do("GET", mgmt+"/services/nope/identities", nil), 404, "NOT_FOUND", "")

	// The role attributes in use, each once.
	r := c.mustStatus(c.do("GET", mgmt+"/identity-role-attributes", nil), 200)
	if got := strs(r.json(t)["data"]); !slices.Equal(got, []string{"servers", "staff"}) {
		t.Errorf("identity role attributes: %v", got)
	}
	r = c.mustStatus(c.do("GET", mgmt+"/service-role-attributes?filter="+url.QueryEscape(`id contains "pub"`), nil), 200)
	if got := strs(r.json(t)["data"]); !slices.Equal(got, []string{"public"}) {
		t.Errorf("service role attributes containing pub: %v", got)
	}
	// policyType is dial or bind, as the specification's enum spells them.
	wantError(t, c.do("GET", mgmt+"/services/"+web+"/identities?policyType=Dial", nil), 400, "COULD_NOT_VALIDATE", "policyType")

	// A change of attributes changes the answers at once.
	c.mustStatus(c.do("PATCH", mgmt+"/identities/"+alice, map[string]any{"roleAttributes": []string{"contractors"}}), 200)
	if got := c.names("/services/" + web + "/identities"); !slices.Equal(got, []string{"host"}) {
		t.Errorf("web's identities after alice left #staff: %v", got)
	}
	// PATCH keeps what it does not send; deleting a service drops its "@id".
	c.mustStatus(c.do("PATCH", mgmt+"/service-policies/"+bind, map[string]any{"semantic": "AnyOf"}), 200)
	c.mustStatus(c.do("DELETE", mgmt+"/services/"+web, nil), 200)
	d = c.mustStatus(c.do("GET", mgmt+"/service-policies/"+bind, nil), 200).data(t)
	if d["semantic"] != "AnyOf" || d["type"] != "Bind" || len(d["serviceRoles"].([]any)) != 0 || len(d["identityRoles"].([]any)) != 1 {
		t.Fatalf("bind policy after PATCH and deleting its service: %v", d)
	}
}

// TestTunnelerRouterIdentity: a tunneler-enabled edge router has an
// identity of type Router and a system edge router policy, as in OpenZiti;
// the API cannot change or delete them; they follow the router's name,
// its isTunnelerEnabled and its deletion.
func TestTunnelerRouterIdentity(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	r := c.create("edge-routers", map[string]any{"name": "tr1", "isTunnelerEnabled": true})
	idn := c.mustStatus(c.do("GET", mgmt+"/identities/"+r, nil), 200).data(t)
	if idn["name"] != "tr1" || idn["typeId"] != "Router" || idn["isAdmin"] != false {
		t.Fatalf("router identity %v", idn)
	}
	erp := c.mustStatus(c.do("GET", mgmt+"/edge-router-policies/"+r, nil), 200).data(t)
	if erp["name"] != "edge-router-"+r+"-system" || erp["isSystem"] != true || erp["semantic"] != "AnyOf" {
		t.Fatalf("system policy %v", erp)
	}
	if got := c.names("/edge-routers/" + r + "/identities"); !slices.Equal(got, []string{"tr1"}) {
		t.Fatalf("identities of the router: %v", got)
	}
	wantError(t, c.do("PATCH", mgmt+"/edge-router-policies/"+r, map[string]any{"semantic": "AllOf"}), 409, "ENTITY_CAN_NOT_BE_UPDATED", "")
	wantError(t, c.do("DELETE", mgmt+"/edge-router-policies/"+r, nil), 409, "ENTITY_CAN_NOT_BE_DELETED", "")
	wantError(t, c.do("DELETE", mgmt+"/identities/"+r, nil), 409, "ENTITY_CAN_NOT_BE_DELETED", "")
	c.mustStatus(c.do("PATCH", mgmt+"/identities/"+r, map[string]any{"roleAttributes": []string{"x"}}), 200)
	c.mustStatus(c.do("PATCH", mgmt+"/edge-routers/"+r, map[string]any{"name": "tr1b"}), 200)
	if got := c.mustStatus(c.do("GET", mgmt+"/identities/"+r, nil), 200).data(t); got["name"] != "tr1b" || len(got["roleAttributes"].([]any)) != 1 {
		t.Fatalf("router identity after the rename: %v", got)
	}
	c.mustStatus(c.do("PATCH", mgmt+"/edge-routers/"+r, map[string]any{"isTunnelerEnabled": false}), 200)
	wantError(t, c.do("GET", mgmt+"/identities/"+r, nil), 404, "NOT_FOUND", "")
	wantError(t, c.do("GET", mgmt+"/edge-router-policies/"+r, nil), 404, "NOT_FOUND", "")
	c.mustStatus(c.do("PATCH", mgmt+"/edge-routers/"+r, map[string]any{"isTunnelerEnabled": true}), 200)
	c.mustStatus(c.do("DELETE", mgmt+"/edge-routers/"+r, nil), 200)
	wantError(t, c.do("GET", mgmt+"/identities/"+r, nil), 404, "NOT_FOUND", "")
	wantError(t, c.do("GET", mgmt+"/edge-router-policies/"+r, nil), 404, "NOT_FOUND", "")
}
