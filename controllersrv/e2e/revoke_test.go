package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// TestCredentialChangesOnBothControllers: what a change of an identity's
// credentials does to the API sessions it holds, the same on both
// controllers. Each identity has a password and a certificate and holds
// one session made with each; after the change, each session is either
// still accepted or refused with 401.
//
// OpenZiti v1.7.2 deletes the sessions made with an authenticator in the
// transaction that deletes the authenticator (a DELETE, or a re-enroll,
// which turns it back into an enrollment), and every session of an
// identity that is disabled (so they stay ended after it is enabled). A
// password change, a new enrollment and removing isAdmin end no session;
// isAdmin is read on every request, so the management API refuses the
// next request at once.
func TestCredentialChangesOnBothControllers(t *testing.T) {
	got := map[testctl.Kind][]string{}
	testctl.Both(t, func(t *testing.T, kind testctl.Kind) {
		got[kind] = credentialChangesOn(t, newRawAPI(t, pool.Get(t, kind, testctl.Options{})))
		t.Logf("%s:\n%s", kind, strings.Join(got[kind], "\n"))
	})
	if a, b := got[testctl.Controllersrv], got[testctl.Ziti]; a != nil && b != nil && !slices.Equal(a, b) {
		t.Errorf("the controllers differ:\ncontrollersrv: %s\nziti:          %s", strings.Join(a, "\n               "), strings.Join(b, "\n               "))
	}
}

// credentialChangesOn runs every case on one controller, checks each
// against OpenZiti's outcome and returns the outcomes.
func credentialChangesOn(t *testing.T, a *rawAPI) []string {
	suffix := time.Now().Format("150405.000")
	var out []string
	check := func(name string, want, got string) {
		t.Helper()
		out = append(out, name+": "+got)
		if got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	alive := func(u *twoFactorUser) string {
		return fmt.Sprintf("password session %s, cert session %s", a.alive(u.pwToken), a.alive(u.certToken))
	}

	// a. Deleting an authenticator ends the sessions made with it, and
	// only those.
	u := a.newTwoFactorUser(t, "del-updb-"+suffix, false)
	a.mgmt("DELETE", "/authenticators/"+u.updbID, nil, 200)
	check("DELETE updb authenticator", "password session revoked, cert session alive", alive(u))
	u = a.newTwoFactorUser(t, "del-cert-"+suffix, false)
	a.mgmt("DELETE", "/authenticators/"+u.certID, nil, 200)
	check("DELETE cert authenticator", "password session alive, cert session revoked", alive(u))

	// b. A new password keeps the sessions (and the new one logs in).
	u = a.newTwoFactorUser(t, "put-pw-"+suffix, false)
	a.mgmt("PUT", "/authenticators/"+u.updbID, map[string]any{"username": u.name, "password": "second-pw-2"}, 200)
	check("PUT authenticator password", "password session alive, cert session alive", alive(u))
	check("login with the PUT password", "200", fmt.Sprint(a.login("password", map[string]string{"username": u.name, "password": "second-pw-2"})))
	a.mgmt("PATCH", "/authenticators/"+u.updbID, map[string]any{"password": "third-pw-3"}, 200)
	check("PATCH authenticator password", "password session alive, cert session alive", alive(u))
	u = a.newTwoFactorUser(t, "self-pw-"+suffix, false)
	self := &rawAPI{t: t, ctl: a.ctl, http: a.http, token: u.pwToken}
	if st, m := self.call("PUT", a.ctl.ClientURL()+"/current-identity/authenticators/"+u.updbID,
		map[string]any{"currentPassword": u.password, "username": u.name, "password": "second-pw-2"}); st != 200 {
		t.Fatalf("self-service password change: %d %v", st, m)
	}
	check("self-service password change", "password session alive, cert session alive", alive(u))

	// A certificate takes no password: controllersrv refuses the change;
	// OpenZiti accepts it and then fails the login with that username
	// (the conformance guide lists the difference). No session ends.
	put, _ := a.call("PUT", a.ctl.ManagementURL()+"/authenticators/"+u.certID, map[string]any{"username": u.name + "-cert", "password": "second-pw-2"})
	pwLogin := a.login("password", map[string]string{"username": u.name + "-cert", "password": "second-pw-2"})
	if want := map[testctl.Kind]string{testctl.Controllersrv: "409 401", testctl.Ziti: "200 500"}[a.ctl.Kind]; fmt.Sprint(put, " ", pwLogin) != want {
		t.Errorf("PUT of a certificate authenticator, then a login with its username: %d %d, want %s", put, pwLogin, want)
	}
	check("PUT of a certificate authenticator", "password session alive, cert session alive", alive(u))

	// c. A re-enroll deletes the authenticator: as a DELETE.
	u = a.newTwoFactorUser(t, "re-updb-"+suffix, false)
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	a.mgmt("POST", "/authenticators/"+u.updbID+"/re-enroll", map[string]any{"expiresAt": exp}, 201)
	check("re-enroll updb authenticator", "password session revoked, cert session alive", alive(u))
	u = a.newTwoFactorUser(t, "re-cert-"+suffix, false)
	a.mgmt("POST", "/authenticators/"+u.certID+"/re-enroll", map[string]any{"expiresAt": exp}, 201)
	check("re-enroll cert authenticator", "password session alive, cert session revoked", alive(u))
	// A new ott enrollment leaves the certificate and its session alone.
	u = a.newTwoFactorUser(t, "new-ott-"+suffix, false)
	a.mgmt("POST", "/enrollments", map[string]any{"method": "ott", "identityId": u.id, "expiresAt": exp}, 201)
	check("new ott enrollment", "password session alive, cert session alive", alive(u))

	// d. Disabling ends every session, for good; removing isAdmin ends
	// none but takes the management API away at once.
	u = a.newTwoFactorUser(t, "disable-"+suffix, false)
	a.mgmt("POST", "/identities/"+u.id+"/disable", map[string]any{"durationMinutes": 0}, 200)
	check("disabled", "password session revoked, cert session revoked", alive(u))
	a.mgmt("POST", "/identities/"+u.id+"/enable", nil, 200)
	check("enabled again", "password session revoked, cert session revoked", alive(u))
	u = a.newTwoFactorUser(t, "admin-"+suffix, true)
	adm := &rawAPI{t: t, ctl: a.ctl, http: a.http, token: u.pwToken}
	before, _ := adm.call("GET", a.ctl.ManagementURL()+"/identities?limit=1", nil)
	a.mgmt("PATCH", "/identities/"+u.id, map[string]any{"isAdmin": false}, 200)
	after, m := adm.call("GET", a.ctl.ManagementURL()+"/identities?limit=1", nil)
	check("isAdmin removed: management GET before, after", "200, 401 UNAUTHORIZED", fmt.Sprintf("%d, %d %v", before, after, jsonAt(m, "error", "code")))
	check("isAdmin removed", "password session alive, cert session alive", alive(u))
	return out
}

// twoFactorUser is an identity enrolled with a password and a certificate,
// holding an API session made with each.
type twoFactorUser struct {
	id, name, password string
	updbID, certID     string
	pwToken, certToken string
}

// newTwoFactorUser creates and enrolls an identity with both credentials
// and logs in with each.
func (a *rawAPI) newTwoFactorUser(t *testing.T, name string, admin bool) *twoFactorUser {
	t.Helper()
	u := &twoFactorUser{name: name, password: "first-pw-1"}
	// OpenZiti keeps one enrollment of those given at create: the
	// password comes as an enrollment of its own.
	u.id = jsonAt(a.mgmt("POST", "/identities", map[string]any{"name": name, "type": "User", "isAdmin": admin,
		"enrollment": map[string]any{"ott": true}}, 201), "data", "id").(string)
	jwt, _ := jsonAt(a.mgmt("GET", "/identities/"+u.id, nil, 200), "data", "enrollment", "ott", "jwt").(string)
	eid := jsonAt(a.mgmt("POST", "/enrollments", map[string]any{"method": "updb", "identityId": u.id, "username": name,
		"expiresAt": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, 201), "data", "id").(string)
	token, _ := jsonAt(a.mgmt("GET", "/enrollments/"+eid, nil, 200), "data", "token").(string)
	if token == "" || jwt == "" {
		t.Fatalf("identity %s: no updb token (%t) or ott JWT (%t)", name, token != "", jwt != "")
	}
	if st, m := a.call("POST", a.ctl.ClientURL()+"/enroll/updb?token="+token, map[string]string{"username": name, "password": u.password}); st != 200 {
		t.Fatalf("updb enrollment: %d %v", st, m)
	}
	creds, err := enrollJWT(t, jwt).Identity.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := enroll.Authenticate(context.Background(), enroll.TrustingClient(creds.Pool(), "127.0.0.1", creds.TLSCertificate()), a.ctl.URL)
	if err != nil {
		t.Fatal(err)
	}
	u.certToken = s.Token
	anon := &rawAPI{t: t, ctl: a.ctl, http: a.http}
	st, m := anon.call("POST", a.ctl.ClientURL()+"/authenticate?method=password", map[string]string{"username": name, "password": u.password})
	if st != 200 {
		t.Fatalf("password login: %d", st)
	}
	u.pwToken, _ = jsonAt(m, "data", "token").(string)
	for _, au := range a.mgmt("GET", "/identities/"+u.id+"/authenticators", nil, 200)["data"].([]any) {
		au := au.(map[string]any)
		switch au["method"] {
		case "updb":
			u.updbID = au["id"].(string)
		case "cert":
			u.certID = au["id"].(string)
		}
	}
	if u.updbID == "" || u.certID == "" || u.pwToken == "" {
		t.Fatalf("identity %s: authenticators updb %q cert %q, password session %t", name, u.updbID, u.certID, u.pwToken != "")
	}
	return u
}

// alive reports whether the client API still accepts the session token.
func (a *rawAPI) alive(token string) string {
	a.t.Helper()
	s := &rawAPI{t: a.t, ctl: a.ctl, http: a.http, token: token}
	switch st, m := s.call("GET", a.ctl.ClientURL()+"/current-api-session", nil); st {
	case 200:
		return "alive"
	case 401:
		return "revoked"
	default:
		a.t.Fatalf("GET /current-api-session: %d %v", st, m)
		return ""
	}
}
