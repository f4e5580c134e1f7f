package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const full = `v: 3
db: ctrl.db
identity:
  cert: pki/network-ica/certs/network-client.cert
  server_cert: pki/network-ica/certs/network-server.chain.pem
  key: pki/network-ica/keys/network-components.key
  ca: pki/network-ica/cas.pem
ctrl:
  listener: tls:0.0.0.0:6262
  options:
    advertiseAddress: tls:ctrl.example.com:6262
edge:
  api:
    address: ctrl.example.com:1280
  enrollment:
    signingCert:
      cert: /abs/sign.chain.pem
      key: /abs/sign.key
    edgeIdentity:
      duration: 60m
    edgeRouter:
      duration: 2h
web:
  - name: all-apis
    bindPoints:
      - interface: 0.0.0.0:1280
        address: ctrl.example.com:1280
    identity:
      cert: e.cert
      server_cert: e.chain.pem
      key: e.key
      server_key: e-server.key
      ca: e-cas.pem
    apis:
      - binding: edge-management
      - binding: edge-client
      - binding: health-checks
`

func TestParseFull(t *testing.T) {
	c, err := Parse([]byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 0 {
		t.Fatalf("warnings: %v", c.Warnings)
	}
	if c.EnrollmentDuration() != time.Hour || c.RouterEnrollmentDuration() != 2*time.Hour || c.SessionTimeout() != DefaultSessionTimeout {
		t.Fatalf("durations %v %v %v", c.EnrollmentDuration(), c.RouterEnrollmentDuration(), c.SessionTimeout())
	}
	if !c.Web[0].Serves(BindingEdgeClient) || c.Web[0].BindPoints[0].Interface != "0.0.0.0:1280" {
		t.Fatalf("web %+v", c.Web[0])
	}
}

func TestUnknownKeysWarnOnce(t *testing.T) {
	y := strings.Replace(full, "ctrl:\n", "healthChecks:\n  boltCheck:\n    interval: 30s\ncluster:\n  dataDir: raft\ntrustDomain: td\nadditionalTrustDomains: []\nctrl:\n  bind: x\n", 1)
	y = strings.Replace(y, "    apis:\n", "    options:\n      idleTimeout: 5s\n      compress: true\n    apis:\n", 1)
	y = strings.Replace(y, "      - binding: edge-client\n", "      - binding: edge-client\n        options: { }\n      - binding: edge-oidc\n        options: { }\n      - binding: zac\n        options: {location: ./console}\n", 1)
	y = strings.Replace(y, "      - binding: health-checks\n", "      - binding: health-checks\n        options: {x: 1}\n", 1)
	c, err := Parse([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	// Empty values (additionalTrustDomains: [], options: { }) set nothing
	// and warn about nothing; an unimplemented binding warns once, its
	// options included.
	want := []string{"healthChecks", "cluster", "trustDomain", "ctrl.bind", "web[0].options.compress",
		"web[0].apis[2].binding", "web[0].apis[3].binding", "web[0].apis[4].options"}
	if len(c.Warnings) != len(want) {
		t.Fatalf("warnings %v", c.Warnings)
	}
	for i, w := range want {
		if !strings.HasPrefix(c.Warnings[i], w+":") {
			t.Errorf("warning %d = %q, want one for %s", i, c.Warnings[i], w)
		}
	}
	if c.Web[0].Options.IdleTimeout.Duration != 5*time.Second {
		t.Errorf("web[0].options.idleTimeout = %v, want 5s", c.Web[0].Options.IdleTimeout)
	}
}

// A web entry without an identity uses the top-level one, as in OpenZiti.
func TestWebIdentityDefaultsToTopLevel(t *testing.T) {
	start := strings.Index(full, "    identity:\n      cert: e.cert")
	end := strings.Index(full, "    apis:\n")
	c, err := Parse([]byte(full[:start] + full[end:]))
	if err != nil {
		t.Fatal(err)
	}
	if c.Web[0].Identity.ServerCert != "pki/network-ica/certs/network-server.chain.pem" || c.Web[0].Identity.Key != "pki/network-ica/keys/network-components.key" {
		t.Fatalf("web[0].identity = %+v", c.Web[0].Identity)
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	for key, edit := range map[string][2]string{
		"v:":                                       {"v: 3", "v: 2"},
		"edge.api.address:":                        {"address: ctrl.example.com:1280\n  enrollment", "address: nope\n  enrollment"},
		"edge.enrollment.signingCert.cert:":        {"cert: /abs/sign.chain.pem", "cert: ''"},
		"edge.enrollment.signingCert.key:":         {"key: /abs/sign.key", "key: ''"},
		"edge.enrollment.edgeIdentity.duration":    {"duration: 60m", "duration: soon"},
		"web[0].bindPoints[0].interface:":          {"interface: 0.0.0.0:1280", "interface: ''"},
		"web[0].apis[2].binding:":                  {"binding: health-checks", "binding: ''"},
		"web[0].options.minTLSVersion":             {"    apis:\n", "    options: {minTLSVersion: TLS1.0}\n    apis:\n"},
		"web[0].options.idleTimeout":               {"    apis:\n", "    options: {idleTimeout: soon}\n    apis:\n"},
		"web[0].identity.alt_server_certs[0]:":     {"      ca: e-cas.pem\n", "      ca: e-cas.pem\n      alt_server_certs: [{server_cert: a.pem}]\n"},
		"web[0].identity.key:":                     {"key: e.key\n      server_key: e-server.key", "key: ''"},
		"web: no web entry serves the edge-client": {"      - binding: edge-client\n", ""},
		"edge.authRateLimiter":                     {"address: ctrl.example.com:1280\n", "address: ctrl.example.com:1280\n  authRateLimiter: {workers: -1}\n"},
		"edge.authRateLimiter.failureShare:":       {"address: ctrl.example.com:1280\n", "address: ctrl.example.com:1280\n  authRateLimiter: {failureShare: 1.5}\n"},
		"edge.connectionLimiter":                   {"address: ctrl.example.com:1280\n", "address: ctrl.example.com:1280\n  connectionLimiter: {refusedConnections: -1}\n"},
	} {
		y := strings.Replace(full, edit[0], edit[1], 1)
		if y == full {
			t.Fatalf("edit for %s did not apply", key)
		}
		_, err := Parse([]byte(y))
		if err == nil || !strings.Contains(err.Error(), strings.TrimSuffix(key, ":")) {
			t.Errorf("%s: error %v does not name the key", key, err)
		}
	}
	if _, err := Parse([]byte("")); err == nil {
		t.Error("empty config accepted")
	}
	if _, err := Parse([]byte("- a\n")); err == nil {
		t.Error("list config accepted")
	}
}

func TestLoadResolvesRelativePaths(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.yml")
	if err := os.WriteFile(p, []byte(full), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != filepath.Join(dir, "ctrl.db") || c.Edge.Enrollment.SigningCert.Cert != "/abs/sign.chain.pem" || c.Web[0].Identity.Key != filepath.Join(dir, "e.key") {
		t.Fatalf("paths %q %q %q", c.DB, c.Edge.Enrollment.SigningCert.Cert, c.Web[0].Identity.Key)
	}
	// Marshal round-trips.
	out, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := Parse(out)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, out)
	}
	if c2.EnrollmentDuration() != time.Hour || len(c2.Warnings) != 0 {
		t.Fatalf("round trip: %v %v", c2.EnrollmentDuration(), c2.Warnings)
	}
}

// FuzzParse: arbitrary YAML never panics; accepted configs have what the
// server relies on.
func FuzzParse(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte("v: 3\nweb: 5\n"))
	f.Add([]byte("a: [1, {b: c}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		if c.Edge.API.Address == "" || len(c.Web) == 0 {
			t.Fatalf("accepted an incomplete config: %+v", c)
		}
	})
}
