package provider

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// answerDropper is a TLS-terminating proxy in front of a real controller
// that loses the answers of chosen creates (identities, edge routers, CAs,
// enrollments) and CA verifications, the two ways a kill or restart can: "before"
// closes the connection once the request has arrived, without forwarding
// it (the controller never sees it); "after" forwards it, waits for the
// controller's 2xx (committed) and then closes the connection instead of
// answering. Creates are chosen by the name in their body, enrollments by
// "enroll:", the method, ":" and the identity's name, verifications by
// "verify:" and the CA's name. Each rule is used once.
type answerDropper struct {
	t       *testing.T
	backend *url.URL
	rt      http.RoundTripper
	proxy   *httputil.ReverseProxy
	// caName resolves the CA id of a verification to its name; nil: no
	// verification is matched.
	caName func(id string) string
	// identityName resolves the identity id of an enrollment to its name;
	// nil: no enrollment is matched.
	identityName func(id string) string

	mu      sync.Mutex
	rules   map[string]dropRule
	dropped []string
}

// dropRule is what the proxy does to one request.
type dropRule struct {
	// mode is "before" or "after" (see answerDropper), or "through":
	// forward and answer, after first ran.
	mode string
	// first runs before the request is forwarded: a concurrent change
	// that wins the race.
	first func()
	// then runs, in "after" mode, once the controller has committed and
	// before the answer is lost, with the created object's id (empty for a
	// verification).
	then func(id string)
}

func newAnswerDropper(t *testing.T, backendURL string, backendCAs *x509.CertPool) *answerDropper {
	u, err := url.Parse(backendURL)
	if err != nil {
		t.Fatal(err)
	}
	rt := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: backendCAs, MinVersion: tls.VersionTLS12}}
	p := httputil.NewSingleHostReverseProxy(u)
	p.Transport = rt
	return &answerDropper{t: t, backend: u, rt: rt, proxy: p, rules: map[string]dropRule{}}
}

// drop sets the rule for key (see answerDropper).
func (p *answerDropper) drop(key string, r dropRule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules[key] = r
}

// unused lists the rules no request has matched.
func (p *answerDropper) unused() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for k := range p.rules {
		out = append(out, k)
	}
	return out
}

// key is the rule key of r ("" when no rule can match it), with its body.
func (p *answerDropper) key(r *http.Request) (string, []byte, error) {
	if r.Method != http.MethodPost {
		return "", nil, nil
	}
	rest, ok := strings.CutPrefix(r.URL.Path, edgeapi.ManagementPath+"/")
	if !ok {
		return "", nil, nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return "", nil, err
	}
	switch {
	case rest == "identities" || rest == "edge-routers" || rest == "cas":
		var in struct{ Name string }
		_ = json.Unmarshal(body, &in)
		return in.Name, body, nil
	case strings.HasPrefix(rest, "cas/") && strings.HasSuffix(rest, "/verify") && p.caName != nil:
		return "verify:" + p.caName(strings.TrimSuffix(strings.TrimPrefix(rest, "cas/"), "/verify")), body, nil
	case rest == "enrollments" && p.identityName != nil:
		var in struct{ Method, IdentityID string }
		_ = json.Unmarshal(body, &in)
		return "enroll:" + in.Method + ":" + p.identityName(in.IdentityID), body, nil
	}
	return "", body, nil
}

func (p *answerDropper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key, body, err := p.key(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	p.mu.Lock()
	rule, ok := p.rules[key]
	if ok {
		delete(p.rules, key)
		p.dropped = append(p.dropped, rule.mode+":"+key)
	}
	p.mu.Unlock()
	if rule.first != nil {
		rule.first()
	}
	switch rule.mode {
	case "", "through":
		p.proxy.ServeHTTP(w, r)
		return
	case "after":
		out := r.Clone(r.Context())
		out.URL.Scheme, out.URL.Host, out.Host, out.RequestURI = p.backend.Scheme, p.backend.Host, p.backend.Host, ""
		out.Body = io.NopCloser(bytes.NewReader(body))
		// The answer is read here: ask for it uncompressed (the real
		// controller gzips when the client accepts it).
		out.Header.Del("Accept-Encoding")
		resp, err := p.rt.RoundTrip(out)
		if err != nil {
			p.t.Errorf("forwarding %s: %v", key, err)
		} else {
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 != 2 {
				p.t.Errorf("the controller answered %s with %d, want 2xx", key, resp.StatusCode)
			}
			if rule.then != nil {
				var created struct{ Data struct{ ID string } }
				_ = json.Unmarshal(answer, &created)
				rule.then(created.Data.ID)
			}
		}
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		p.t.Errorf("hijack: %v", err)
		return
	}
	conn.Close() // no answer ever comes
}

// frontDropper starts an answerDropper in front of the test controller,
// with a TLS listener of its own, and returns it, its URL and a CA file
// that trusts it.
func frontDropper(t *testing.T) (*answerDropper, string, string) {
	t.Helper()
	srv := accController(t)
	drop := newAnswerDropper(t, srv.URL, srv.CertPool())
	frontURL, caFile := serveFront(t, drop)
	return drop, frontURL, caFile
}

// serveFront serves h on a loopback TLS listener of its own for the test
// and returns its URL and a CA file that trusts it.
func serveFront(t *testing.T, h http.Handler) (frontURL, caFile string) {
	t.Helper()
	front := httptest.NewTLSServer(h)
	t.Cleanup(front.Close)
	caFile = filepath.Join(t.TempDir(), "proxy-ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: front.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return front.URL, caFile
}

// TestAccFaultCreateAnswerLost loses the answers of identity creates
// deterministically (what kill -9 between commit and answer does at random
// in TestAccFaultControllerKilledDuringApply) and checks the provider's
// recovery with the real CLI against a real controller:
//   - created, answer lost: the identity is adopted into state, with a warning;
//   - never arrived: the create is sent again and succeeds;
//   - never arrived, and the name is held by an identity that existed before
//     the run: not adopted; the error names it and says to import it;
//   - the same with different attributes: not adopted; the error names the
//     attribute.
//
// After importing as told, the next apply converges and destroy cleans up.
func TestAccFaultCreateAnswerLost(t *testing.T) {
	ctl := accController(t)
	api := accClient(t)
	drop, frontURL, caFile := frontDropper(t)
	const n = 20
	rig := newFaultRig(t, api, frontURL, ctl.Username, ctl.Password, caFile, n)
	name := func(i int) string { return fmt.Sprintf("%s-%d", rig.prefix, i) }
	for _, i := range []int{3, 11, 16} {
		drop.drop(name(i), dropRule{mode: "after"})
	}
	for _, i := range []int{5, 7, 9} {
		drop.drop(name(i), dropRule{mode: "before"})
	}
	// Held before the run: 7 with the attributes the configuration gives
	// it, 9 with another role attribute.
	ctx := context.Background()
	preexisting := map[int]string{}
	for i, roles := range map[int][]string{7: {}, 9: {"other"}} {
		id, err := api.CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: name(i), Type: edgeapi.IdentityTypeDefault, RoleAttributes: &roles})
		if err != nil {
			t.Fatal(err)
		}
		preexisting[i] = id
	}

	out, err := rig.apply()
	if err == nil {
		t.Fatalf("the apply succeeded although two names were taken before it:\n%s", tail(out, 40))
	}
	requireClearFailure(t, out)
	flat := strings.Join(strings.Fields(out), " ")
	for _, i := range []int{3, 11, 16} {
		if !strings.Contains(flat, "Warning: Adopted identity "+name(i)+" after a lost answer") {
			t.Errorf("no adoption warning for %s:\n%s", name(i), tail(out, 80))
		}
	}
	for _, want := range []string{
		"Error: Creating identity " + name(7),
		"the name is held by identity " + preexisting[7] + ", created at",
		"before this run began",
		"this create did not make it",
		"terraform import <resource address> " + preexisting[7],
		"Error: Creating identity " + name(9),
		"the name is held by identity " + preexisting[9] + ", whose role_attributes differs",
		"terraform import <resource address> " + preexisting[9],
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the apply output lacks %q:\n%s", want, tail(out, 80))
		}
	}
	if c := strings.Count(flat, "Error: "); c != 2 {
		t.Errorf("%d errors, want 2 (names 7 and 9):\n%s", c, tail(out, 80))
	}
	if u := drop.unused(); len(u) != 0 {
		t.Fatalf("requests never sent through the proxy: %v", u)
	}
	t.Logf("answers dropped: %v", drop.dropped)
	// The only identities the state does not track are the two that
	// existed before the run: nothing this apply created is untracked.
	untracked, missing, onCtrl := rig.diff()
	want := []string{preexisting[7] + " (" + name(7) + ")", preexisting[9] + " (" + name(9) + ")"}
	if len(missing) != 0 || len(untracked) != 2 || !sameStrings(untracked, want) {
		t.Fatalf("after the apply: untracked %v (want %v), in state but not on the controller %v", untracked, want, missing)
	}
	t.Logf("after the apply: %d identities on the controller, the state tracks all but the 2 that existed before", onCtrl)

	// Do what the errors say: import both; the next apply converges (and
	// takes 9's role attribute away), then nothing is planned.
	rig.d.must("import", "-input=false", "-no-color", "ziti_identity.x[7]", preexisting[7])
	rig.d.must("import", "-input=false", "-no-color", "ziti_identity.x[9]", preexisting[9])
	rig.converge()
}
