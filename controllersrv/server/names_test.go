package server

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
)

// TestNamePolicy: names with control, bidi-override or zero-width
// characters, or not in NFC, are refused naming the field; a name built
// from a certificate's CN at auto CA enrollment is cleaned instead.
func TestNamePolicy(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	for _, name := range []string{"nul\x00name", "ansi\x1b[31mred", "rtl\u202Eexe.txt", "zero\u200Bwidth", "cafe\u0301", strings.Repeat("n", 256)} {
		r := admin.do("POST", mgmt+"/identities", map[string]any{"name": name, "type": "User", "isAdmin": false})
		admin.wantError(r, 400, "COULD_NOT_VALIDATE", "name")
		r = admin.do("POST", mgmt+"/edge-routers", map[string]any{"name": name})
		admin.wantError(r, 400, "COULD_NOT_VALIDATE", "name")
	}
	admin.createIdentity(map[string]any{"name": "caf\u00e9", "type": "User", "isAdmin": false})

	root := newExtRoot(t, "Name Root")
	ca := admin.createCA(caBody("names", root.pem(), map[string]any{"isAutoCaEnrollmentEnabled": true}))
	admin.verifyCA(ca, root)
	_, tc := root.issue(leafOpts{CN: "dev\x1b[2J\u202Ece"})
	if _, r := certLogin(t, s, tc); r.Status != 200 {
		t.Fatalf("auto enrollment with a CN holding control characters: %d %s", r.Status, r.Body)
	}
	r := admin.mustStatus(admin.do("GET", mgmt+"/identities?filter="+url.QueryEscape(`name contains "names-dev"`), nil), 200)
	items, _ := r.json(t)["data"].([]any)
	if len(items) != 1 {
		t.Fatalf("auto-enrolled identities: %d, want 1", len(items))
	}
	name, _ := items[0].(map[string]any)["name"].(string)
	for _, c := range name {
		if unicode.IsControl(c) || c == '\u202E' {
			t.Fatalf("auto-enrolled name %q holds U+%04X", name, c)
		}
	}
}
