package server

import (
	"fmt"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
)

// TestDuplicateJSONKeysRefused: a body naming a key twice is refused with
// a 400 naming the key, and nothing is written (encoding/json alone keeps
// the last value: the second isAdmin would make an admin).
func TestDuplicateJSONKeysRefused(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	admin.check = false // the body is invalid on purpose
	r := admin.do("POST", mgmt+"/identities", `{"name":"sneaky","type":"User","isAdmin":false,"isAdmin":true}`, "Content-Type", "application/json")
	admin.wantError(r, 400, "COULD_NOT_PARSE_BODY", "isAdmin")
	r = admin.mustStatus(admin.do("GET", mgmt+`/identities?filter=name="sneaky"`, nil), 200)
	if n := jsonPath(r.json(t), "meta", "pagination", "totalCount"); n != float64(0) {
		t.Fatalf("the refused identity was created (%v)", n)
	}
	anon := newClient(t, s)
	anon.check = false
	r = anon.do("POST", "/edge/client/v1/authenticate?method=password", `{"username":"nobody","password":"x","username":"admin"}`, "Content-Type", "application/json")
	anon.wantError(r, 400, "COULD_NOT_PARSE_BODY", "username")
}

// TestRoleAttributesCapped: an entity with more role attributes than
// domain.MaxRoles is refused naming the field; exactly the cap is kept.
func TestRoleAttributesCapped(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	attrs := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("attr-%d", i)
		}
		return out
	}
	r := admin.do("POST", mgmt+"/identities", map[string]any{"name": "many", "type": "User", "isAdmin": false, "roleAttributes": attrs(domain.MaxRoles + 1)})
	admin.wantError(r, 400, "COULD_NOT_VALIDATE", "roleAttributes")
	admin.createIdentity(map[string]any{"name": "enough", "type": "User", "isAdmin": false, "roleAttributes": attrs(domain.MaxRoles)})
}
