package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"gopkg.in/yaml.v3"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/api"
)

// specDir finds the official OpenZiti Edge API specification
// (management.yml, client.yml): ZITIFORM_EDGE_API_DIR if set, else the
// github.com/openziti/edge-api module in the Go module cache at the version
// that the real controller built by `make tools` pins in .ci/ziti/go.mod,
// so controllersrv is checked against the same contract as OpenZiti v1.7.2.
func specDir() string {
	if d := os.Getenv("ZITIFORM_EDGE_API_DIR"); d != "" {
		return d
	}
	version := edgeAPIVersion()
	if version == "" {
		return ""
	}
	cache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return ""
	}
	dir := filepath.Join(strings.TrimSpace(string(cache)), "github.com", "openziti", "edge-api@"+version)
	if _, err := os.Stat(filepath.Join(dir, "management.yml")); err != nil {
		return ""
	}
	return dir
}

// edgeAPIVersion reads the edge-api version from .ci/ziti/go.mod, found by
// walking up from the package directory to the repository root.
func edgeAPIVersion() string {
	dir, _ := os.Getwd()
	for {
		if data, err := os.ReadFile(filepath.Join(dir, ".ci", "ziti", "go.mod")); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if f := strings.Fields(line); len(f) >= 2 && f[0] == "github.com/openziti/edge-api" {
					return f[1]
				}
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// skipWithoutSpec skips a test that needs the specification when it is
// absent, and fails it in CI, where `make tools` has downloaded it.
func skipWithoutSpec(t *testing.T) {
	t.Helper()
	if specDir() != "" {
		return
	}
	msg := "the OpenZiti Edge API specification (module github.com/openziti/edge-api, downloaded by `make tools`) is not in the Go module cache; run `make tools` or set ZITIFORM_EDGE_API_DIR"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("!!! SKIPPING: " + msg)
}

type specRouter struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	specOnce    sync.Once
	specRouters map[string]*specRouter // by base path
	specErr     error
)

func loadSpecs() {
	dir := specDir()
	if dir == "" {
		return
	}
	specRouters = map[string]*specRouter{}
	// The EST CA store is a base64 PKCS#7 body that the spec types as a
	// string: check it as one.
	openapi3filter.RegisterBodyDecoder("application/pkcs7-mime", openapi3filter.FileBodyDecoder)
	for base, file := range map[string]string{"/edge/management/v1": "management.yml", "/edge/client/v1": "client.yml"} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			specErr = err
			return
		}
		// kin-openapi's types unmarshal from JSON; go through a generic tree.
		var tree any
		if err := yaml.Unmarshal(data, &tree); err != nil {
			specErr = err
			return
		}
		js, err := json.Marshal(tree)
		if err != nil {
			specErr = err
			return
		}
		var v2 openapi2.T
		if err := json.Unmarshal(js, &v2); err != nil {
			specErr = err
			return
		}
		fixSpecErrata(&v2)
		v3, err := openapi2conv.ToV3(&v2)
		if err != nil {
			specErr = err
			return
		}
		v3.Servers = openapi3.Servers{{URL: base}}
		r, err := gorillamux.NewRouter(v3)
		if err != nil {
			specErr = err
			return
		}
		specRouters[base] = &specRouter{doc: v3, router: r}
	}
}

// fixSpecErrata removes required properties that the bundled spec lists but
// never defines (so no server, OpenZiti's included, can send them as typed).
func fixSpecErrata(doc *openapi2.T) {
	drop := func(def, prop string) {
		s := doc.Definitions[def]
		if s == nil || s.Value == nil {
			return
		}
		for _, sub := range append([]*openapi2.SchemaRef{s}, s.Value.AllOf...) {
			if sub == nil || sub.Value == nil {
				continue
			}
			out := sub.Value.Required[:0]
			for _, r := range sub.Value.Required {
				if r != prop {
					out = append(out, r)
				}
			}
			sub.Value.Required = out
		}
	}
	drop("enrollmentDetail", "details") // "details" has no property definition
	// Nor have these (the router's version info is the versionInfo object).
	for _, prop := range []string{"os", "version", "arch", "buildDate", "revision"} {
		drop("edgeRouterDetail", prop)
	}
	// GET /edge-routers/{id}/service-edge-router-policies is declared to
	// answer service policies; OpenZiti answers the service edge router
	// policies the path names (their detail, without a policy type).
	if item := doc.Paths["/edge-routers/{id}/service-edge-router-policies"]; item != nil && item.Get != nil {
		if r := item.Get.Responses.Value("200"); r != nil && r.Schema != nil {
			r.Schema = &openapi2.SchemaRef{Ref: "#/definitions/listServiceEdgeRouterPoliciesEnvelope"}
		}
	}
	// subTags declares its values as {"type": "object"}, which go-swagger
	// (OpenZiti's generator) maps to interface{}: the description says
	// values are null, strings or booleans. Accept any value, as OpenZiti does.
	if st := doc.Definitions["subTags"]; st != nil && st.Value != nil {
		st.Value.AdditionalProperties = openapi3.AdditionalProperties{Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{}}}
	}
	// A service's config is declared as {type name: {key: object}}; the
	// values are a config's data, any JSON (go-swagger maps the inner
	// {"type": "object"} to interface{} too).
	if sd := doc.Definitions["serviceDetail"]; sd != nil && sd.Value != nil {
		for _, sub := range sd.Value.AllOf {
			if sub == nil || sub.Value == nil || sub.Value.Properties["config"] == nil {
				continue
			}
			if inner := sub.Value.Properties["config"].Value.AdditionalProperties.Schema; inner != nil && inner.Value != nil {
				inner.Value.AdditionalProperties = openapi3.AdditionalProperties{Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{}}}
			}
		}
	}
}

// validateResponse checks a response against the operation in the spec.
// Routes outside the two APIs (EST, /version at the root, health) and
// operations the spec does not describe are not checked here.
func validateResponse(t testing.TB, req *http.Request, r *response) {
	t.Helper()
	if err := specValidate(req, r); err != nil {
		t.Errorf("response to %s %s (%d) does not match the Edge API spec: %v\nbody: %.2000s", req.Method, req.URL.Path, r.Status, err, r.Body)
	}
}

func specValidate(req *http.Request, r *response) error {
	specOnce.Do(loadSpecs)
	if specErr != nil {
		return fmt.Errorf("loading the Edge API spec: %w", specErr)
	}
	if specRouters == nil {
		return nil
	}
	var sr *specRouter
	for base, x := range specRouters {
		if len(req.URL.Path) >= len(base) && req.URL.Path[:len(base)] == base {
			sr = x
		}
	}
	if sr == nil {
		return nil
	}
	// Route with a path-only URL: the spec's server is the base path.
	u := &url.URL{Path: req.URL.Path, RawQuery: req.URL.RawQuery}
	rreq := req.Clone(context.Background())
	rreq.URL = u
	rreq.Host = ""
	route, params, err := sr.router.FindRoute(rreq)
	if err != nil {
		return nil //nolint:nilerr // not in the spec (e.g. a 404 probe): nothing to check against
	}
	in := &openapi3filter.RequestValidationInput{Request: rreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true}}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: r.Status, Header: r.Header,
		Body:    io.NopCloser(bytes.NewReader(r.Body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: false, MultiError: true},
	}
	return openapi3filter.ValidateResponse(context.Background(), out)
}

func TestSpecLoads(t *testing.T) {
	skipWithoutSpec(t)
	specOnce.Do(loadSpecs)
	if specErr != nil {
		t.Fatal(specErr)
	}
	if len(specRouters) != 2 {
		t.Fatalf("loaded %d specs", len(specRouters))
	}
}

// TestSpecValidationBites proves the validator rejects a malformed body, so
// that the passing validations elsewhere mean something.
func TestSpecValidationBites(t *testing.T) {
	skipWithoutSpec(t)
	req, _ := http.NewRequest(http.MethodGet, "https://127.0.0.1:1/edge/management/v1/identities/abc", nil)
	bad := &response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"data":{"id":"abc","name":"x","type":"Device"},"meta":{}}`)}
	if err := specValidate(req, bad); err == nil {
		t.Fatal("an identity without required fields and with type as a string passed validation")
	}
}

// TestRoutesAreInSpec walks the routing table: every route of the two Edge
// APIs must be an operation of the official specification (same method,
// same path), so controllersrv serves nothing the real controller does not.
// It also reports how many of the specification's operations are served.
func TestRoutesAreInSpec(t *testing.T) {
	skipWithoutSpec(t)
	specOnce.Do(loadSpecs)
	if specErr != nil {
		t.Fatal(specErr)
	}
	// The check bites: an operation the specification lacks is not found.
	probe, _ := http.NewRequest(http.MethodDelete, api.ManagementPath+"/config-types/x0/configs", nil)
	if _, _, err := specRouters[api.ManagementPath].router.FindRoute(probe); err == nil {
		t.Fatal("DELETE /config-types/{id}/configs was found in the specification")
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	served := map[string]int{}
	for _, rt := range api.Routes() {
		for _, b := range rt.Bases() {
			if b == "" {
				continue // not part of either API
			}
			path := param.ReplaceAllString(rt.Path, "x0")
			req, _ := http.NewRequest(rt.Method, path, nil)
			req.URL.Path = b + path
			if _, _, err := specRouters[b].router.FindRoute(req); err != nil {
				t.Errorf("%s %s%s is not an operation of the Edge API specification", rt.Method, b, rt.Path)
				continue
			}
			served[b]++
		}
	}
	for b, sr := range specRouters {
		ops := 0
		for _, item := range sr.doc.Paths.Map() {
			ops += len(item.Operations())
		}
		t.Logf("%s: %d of the specification's %d operations served", b, served[b], ops)
	}
}

// specValidRequest checks a request body against the operation in the
// specification (the bodies tests send as a well-behaved client would).
func specValidRequest(t testing.TB, method, path string, body any) {
	t.Helper()
	if err := specRequestErr(t, method, path, body); err != nil {
		t.Errorf("the body of %s %s does not match the specification: %v\nbody: %s", method, path, err, tpJSON(body))
	}
}

func specRequestErr(t testing.TB, method, path string, body any) error {
	t.Helper()
	specOnce.Do(loadSpecs)
	if specErr != nil {
		t.Fatal(specErr)
	}
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(method, path, bytes.NewReader(data))
	req.URL = &url.URL{Path: path}
	req.Header.Set("Content-Type", "application/json")
	sr := specRouters["/edge/management/v1"]
	route, params, err := sr.router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	return openapi3filter.ValidateRequest(context.Background(), in)
}

// TestSpecRequestBodies: the create bodies the auth policy, signer and
// posture check tests send are what the specification defines, so the
// server is tested with the requests real clients make.
func TestSpecRequestBodies(t *testing.T) {
	skipWithoutSpec(t)
	m := "/edge/management/v1"
	specValidRequest(t, "POST", m+"/auth-policies", policyBody("p", nil))
	specValidRequest(t, "PUT", m+"/auth-policies/x1", policyBody("p", nil))
	specValidRequest(t, "PATCH", m+"/auth-policies/x1", map[string]any{"primary": map[string]any{"updb": map[string]any{"maxAttempts": 3}}})
	specValidRequest(t, "POST", m+"/external-jwt-signers", signerBody("s", "iss", "aud", map[string]any{"jwksEndpoint": "https://127.0.0.1:1/jwks", "claimsProperty": "email", "useExternalId": true}))
	specValidRequest(t, "POST", m+"/identities/x1/disable", map[string]any{"durationMinutes": 5})
	// The check bites: a body missing what the specification requires fails.
	if specRequestErr(t, "POST", m+"/auth-policies", map[string]any{"name": "p"}) == nil {
		t.Error("an auth policy without primary and secondary passed the request check")
	}
	for _, b := range []map[string]any{
		{"typeId": "DOMAIN", "domains": []string{"corp.example"}},
		{"typeId": "MAC", "macAddresses": []string{"aa:bb:cc:dd:ee:ff"}},
		{"typeId": "MFA", "timeoutSeconds": 300, "promptOnWake": true},
		{"typeId": "OS", "operatingSystems": []any{map[string]any{"type": "Linux", "versions": []string{">=4.14.0"}}}},
		{"typeId": "PROCESS", "process": map[string]any{"osType": "Linux", "path": "/usr/bin/agent"}},
		{"typeId": "PROCESS_MULTI", "semantic": "AnyOf", "processes": []any{map[string]any{"osType": "Linux", "path": "/usr/bin/agent"}}},
	} {
		b["name"] = "c"
		specValidRequest(t, "POST", m+"/posture-checks", b)
	}
}
