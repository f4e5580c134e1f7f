package server

import (
	"net/url"
	"testing"
)

func TestPostureChecks(t *testing.T) {
	skipWithoutSpec(t)
	s := testServer(t)
	admin := newClient(t, s).admin()

	// One of every type; the detail carries the type's own fields.
	for _, c := range []struct {
		body  map[string]any
		field string
		want  any
	}{
		{map[string]any{"typeId": "DOMAIN", "domains": []string{"corp.example"}, "roleAttributes": []string{"office"}}, "domains", []any{"corp.example"}},
		{map[string]any{"typeId": "MAC", "macAddresses": []string{"AA:bb:CC:dd:ee:FF", "00-11-22-33-44-55"}}, "macAddresses", []any{"aabbccddeeff", "001122334455"}},
		{map[string]any{"typeId": "MFA"}, "timeoutSeconds", -1.0},
		{map[string]any{"typeId": "MFA", "timeoutSeconds": 300, "promptOnWake": true}, "promptOnWake", true},
		{map[string]any{"typeId": "OS", "operatingSystems": []any{map[string]any{"type": "Linux", "versions": []string{">=4.14.0"}}}}, "operatingSystems", []any{map[string]any{"type": "Linux", "versions": []any{">=4.14.0"}}}},
		{map[string]any{"typeId": "PROCESS", "process": map[string]any{"osType": "Linux", "path": "/usr/bin/agent", "hashes": []string{"abc"}, "signerFingerprint": "ff"}}, "process", map[string]any{"osType": "Linux", "path": "/usr/bin/agent", "hashes": []any{"abc"}, "signerFingerprint": "ff"}},
		{map[string]any{"typeId": "PROCESS_MULTI", "semantic": "AllOf", "processes": []any{map[string]any{"osType": "Windows", "path": `C:\agent.exe`, "signerFingerprints": []string{"ff"}}}}, "processes", []any{map[string]any{"osType": "Windows", "path": `C:\agent.exe`, "hashes": []any{}, "signerFingerprints": []any{"ff"}}}},
	} {
		c.body["name"] = "check-" + c.body["typeId"].(string) + "-" + c.field
		id := admin.createdID("/posture-checks", c.body)
		d := admin.mustStatus(admin.do("GET", mgmt+"/posture-checks/"+id, nil), 200).data(t)
		if tpJSON(d[c.field]) != tpJSON(c.want) || d["typeId"] != c.body["typeId"] || d["version"] != 1.0 {
			t.Errorf("%s: %s is %s, want %s (detail %s)", c.body["name"], c.field, tpJSON(d[c.field]), tpJSON(c.want), tpJSON(d))
		}
	}
	list := admin.mustStatus(admin.do("GET", mgmt+"/posture-checks?filter="+url.QueryEscape(`typeId="MFA"`), nil), 200).json(t)
	if n := len(list["data"].([]any)); n != 2 {
		t.Fatalf("filter typeId=MFA found %d checks", n)
	}
	list = admin.mustStatus(admin.do("GET", mgmt+"/posture-checks?filter="+url.QueryEscape(`anyOf(roleAttributes)="office"`), nil), 200).json(t)
	if n := len(list["data"].([]any)); n != 1 {
		t.Fatalf("filter by role attribute found %d checks", n)
	}

	// Refusals name the field.
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"typeId": "NOPE"}, "typeId"},
		{map[string]any{}, "typeId"},
		{map[string]any{"typeId": "DOMAIN", "domains": []string{}}, "domains"},
		{map[string]any{"typeId": "MAC", "macAddresses": []string{"zz"}}, "macAddresses[0]"},
		{map[string]any{"typeId": "OS", "operatingSystems": []any{map[string]any{"type": "Plan9", "versions": []string{}}}}, "operatingSystems[0].type"},
		{map[string]any{"typeId": "OS", "operatingSystems": []any{map[string]any{"type": "Linux", "versions": []string{"not a version"}}}}, "operatingSystems[0].versions[0]"},
		{map[string]any{"typeId": "PROCESS"}, "process"},
		{map[string]any{"typeId": "PROCESS", "process": map[string]any{"osType": "Linux"}}, "process.path"},
		{map[string]any{"typeId": "PROCESS_MULTI", "processes": []any{map[string]any{"osType": "Linux", "path": "/x"}}}, "semantic"},
		{map[string]any{"typeId": "PROCESS_MULTI", "semantic": "AllOf", "processes": []any{}}, "processes"},
	} {
		c.body["name"] = "bad"
		admin.wantError(admin.do("POST", mgmt+"/posture-checks", c.body), 400, "COULD_NOT_VALIDATE", c.field)
	}

	// PUT replaces, PATCH changes what it sends; the type never changes.
	id := admin.createdID("/posture-checks", map[string]any{"name": "dom", "typeId": "DOMAIN", "domains": []string{"a.example"}, "roleAttributes": []string{"x"}})
	admin.mustStatus(admin.do("PATCH", mgmt+"/posture-checks/"+id, map[string]any{"typeId": "DOMAIN", "domains": []string{"b.example"}}), 200)
	d := admin.mustStatus(admin.do("GET", mgmt+"/posture-checks/"+id, nil), 200).data(t)
	if tpJSON(d["domains"]) != `["b.example"]` || tpJSON(d["roleAttributes"]) != `["x"]` {
		t.Fatalf("after PATCH: %s", tpJSON(d))
	}
	admin.mustStatus(admin.do("PUT", mgmt+"/posture-checks/"+id, map[string]any{"name": "dom2", "typeId": "DOMAIN", "domains": []string{"c.example"}}), 200)
	d = admin.mustStatus(admin.do("GET", mgmt+"/posture-checks/"+id, nil), 200).data(t)
	if d["name"] != "dom2" || tpJSON(d["domains"]) != `["c.example"]` || tpJSON(d["roleAttributes"]) != `[]` {
		t.Fatalf("after PUT: %s", tpJSON(d))
	}
	admin.wantError(admin.do("PATCH", mgmt+"/posture-checks/"+id, map[string]any{"typeId": "MAC", "macAddresses": []string{"aabbccddeeff"}}), 400, "COULD_NOT_VALIDATE", "typeId")
	admin.wantError(admin.do("PUT", mgmt+"/posture-checks/"+id, map[string]any{"name": "dom2", "typeId": "DOMAIN"}), 400, "COULD_NOT_VALIDATE", "domains")
	admin.mustStatus(admin.do("DELETE", mgmt+"/posture-checks/"+id, nil), 200)
	admin.mustStatus(admin.do("GET", mgmt+"/posture-checks/"+id, nil), 404)
}

func TestPostureCheckTypes(t *testing.T) {
	skipWithoutSpec(t)
	s := testServer(t)
	admin := newClient(t, s).admin()
	list := admin.mustStatus(admin.do("GET", mgmt+"/posture-check-types", nil), 200).json(t)
	var ids []string
	for _, x := range list["data"].([]any) {
		ids = append(ids, x.(map[string]any)["id"].(string))
	}
	if tpJSON(ids) != `["DOMAIN","MAC","OS","PROCESS","PROCESS_MULTI"]` {
		t.Fatalf("posture check types %v", ids)
	}
	d := admin.mustStatus(admin.do("GET", mgmt+"/posture-check-types/OS", nil), 200).data(t)
	if d["name"] != "Operating System Check" || len(d["operatingSystems"].([]any)) != 5 {
		t.Fatalf("OS type: %s", tpJSON(d))
	}
	admin.mustStatus(admin.do("GET", mgmt+"/posture-check-types/NOPE", nil), 404)
}
