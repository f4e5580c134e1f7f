// Package config reads the OpenZiti-shaped controller YAML (v3) that
// controllersrv runs from, including every config the real OpenZiti
// controller writes: the subset of keys it implements, with one warning per
// key or API binding it does not implement (never a refusal) and errors that
// name the key.
package config

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// API bindings controllersrv serves. Others (fabric, edge-oidc, zac, ...)
// are ignored with a warning.
const (
	BindingEdgeManagement = "edge-management"
	BindingEdgeClient     = "edge-client"
	BindingHealthChecks   = "health-checks"
)

// Defaults, as in OpenZiti.
const (
	DefaultEnrollmentDuration = 180 * time.Minute
	DefaultSessionTimeout     = 30 * time.Minute
)

// Identity is an `identity` block: a client cert, a server cert chain, their
// key and the CA bundle to trust.
type Identity struct {
	Cert       string `yaml:"cert"`
	ServerCert string `yaml:"server_cert"`
	Key        string `yaml:"key"`
	// ServerKey is the key of ServerCert when it differs from Key.
	ServerKey string `yaml:"server_key,omitempty"`
	CA        string `yaml:"ca"`
	// AltServerCerts are further server certificates a web listener
	// presents to clients whose TLS SNI names them.
	AltServerCerts []AltServerCert `yaml:"alt_server_certs,omitempty"`
}

// AltServerCert is one `alt_server_certs` entry.
type AltServerCert struct {
	ServerCert string `yaml:"server_cert"`
	ServerKey  string `yaml:"server_key"`
}

func (id *Identity) isZero() bool {
	return id.Cert == "" && id.ServerCert == "" && id.Key == "" && id.ServerKey == "" && id.CA == "" && len(id.AltServerCerts) == 0
}

// BindPoint is where a web listener listens (Interface) and the address
// clients use for it (Address).
type BindPoint struct {
	Interface string `yaml:"interface"`
	Address   string `yaml:"address"`
}

// API is one API served by a web listener.
type API struct {
	Binding string `yaml:"binding"`
	// Options are per-API settings; controllersrv implements none, and
	// warns about a non-empty one.
	Options map[string]any `yaml:"options,omitempty"`
}

// WebOptions are a web listener's HTTP and TLS settings.
type WebOptions struct {
	IdleTimeout   Duration `yaml:"idleTimeout,omitempty"`
	ReadTimeout   Duration `yaml:"readTimeout,omitempty"`
	WriteTimeout  Duration `yaml:"writeTimeout,omitempty"`
	MinTLSVersion string   `yaml:"minTLSVersion,omitempty"`
	MaxTLSVersion string   `yaml:"maxTLSVersion,omitempty"`
}

// Web is one `web` entry: listeners sharing an identity and a set of APIs.
// Without an identity it uses the top-level one, as OpenZiti does.
type Web struct {
	Name       string      `yaml:"name"`
	BindPoints []BindPoint `yaml:"bindPoints"`
	Identity   Identity    `yaml:"identity"`
	Options    WebOptions  `yaml:"options,omitempty"`
	APIs       []API       `yaml:"apis"`
}

// Serves reports whether the web entry serves the API binding.
func (w *Web) Serves(binding string) bool {
	for _, a := range w.APIs {
		if a.Binding == binding {
			return true
		}
	}
	return false
}

// Duration is a YAML duration such as "180m" or "1h".
type Duration struct{ time.Duration }

// UnmarshalYAML parses Go duration syntax; a bare integer means minutes
// (as some OpenZiti configs write `duration: 180`).
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	s := strings.TrimSpace(n.Value)
	if s == "" || n.Tag == "!!null" {
		return nil
	}
	if m, err := strconv.Atoi(s); err == nil {
		d.Duration = time.Duration(m) * time.Minute
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q: use Go syntax such as 180m or 3h", s)
	}
	d.Duration = v
	return nil
}

// Config is the parsed controller configuration.
type Config struct {
	V        int      `yaml:"v"`
	DB       string   `yaml:"db"`
	Identity Identity `yaml:"identity"`
	Ctrl     struct {
		Listener string `yaml:"listener"`
		Options  struct {
			AdvertiseAddress string `yaml:"advertiseAddress,omitempty"`
		} `yaml:"options,omitempty"`
	} `yaml:"ctrl"`
	Edge struct {
		API struct {
			Address        string   `yaml:"address"`
			SessionTimeout Duration `yaml:"sessionTimeout,omitempty"`
		} `yaml:"api"`
		// AuthRateLimiter bounds the password checks: workers run at
		// once, queueSize more wait, perSource and perUsername of those
		// from one address or for one username; one address may fail
		// perSourceFailures checks in a row, then one more per
		// perSourceFailureInterval; failed checks take at most
		// failureShare of a worker's time (0: auth.LimiterConfig's
		// defaults).
		AuthRateLimiter struct {
			Workers                  int      `yaml:"workers,omitempty"`
			QueueSize                int      `yaml:"queueSize,omitempty"`
			PerSource                int      `yaml:"perSource,omitempty"`
			PerUsername              int      `yaml:"perUsername,omitempty"`
			PerSourceFailures        int      `yaml:"perSourceFailures,omitempty"`
			PerSourceFailureInterval Duration `yaml:"perSourceFailureInterval,omitempty"`
			FailureShare             float64  `yaml:"failureShare,omitempty"`
		} `yaml:"authRateLimiter,omitempty"`
		// ConnectionLimiter bounds the connections one address (an
		// IPv6 /64) holds open on all web listeners together, and those
		// of clients refused a login (0: the server's defaults).
		ConnectionLimiter struct {
			PerSource          int `yaml:"perSource,omitempty"`
			RefusedConnections int `yaml:"refusedConnections,omitempty"`
		} `yaml:"connectionLimiter,omitempty"`
		Enrollment struct {
			SigningCert struct {
				Cert string `yaml:"cert"`
				Key  string `yaml:"key"`
			} `yaml:"signingCert"`
			EdgeIdentity struct {
				Duration Duration `yaml:"duration"`
			} `yaml:"edgeIdentity"`
			EdgeRouter struct {
				Duration Duration `yaml:"duration"`
			} `yaml:"edgeRouter"`
		} `yaml:"enrollment"`
	} `yaml:"edge"`
	Web []Web `yaml:"web"`

	// Warnings lists unknown keys and unimplemented API bindings, one
	// entry each, by dotted path.
	Warnings []string `yaml:"-"`
}

// durationKey marks leaves holding a duration, and tlsVersionKey leaves
// holding a TLS version, checked while walking so that the error can name
// the key. anyKey marks a subtree read as a whole.
const (
	durationKey   = "duration"
	tlsVersionKey = "tlsVersion"
	anyKey        = "any"
)

// identityKeys is the shape of an `identity` block.
var identityKeys = map[string]any{
	"cert": nil, "server_cert": nil, "key": nil, "server_key": nil, "ca": nil,
	"alt_server_certs": []any{map[string]any{"server_cert": nil, "server_key": nil}},
}

// known is the tree of keys controllersrv reads. A nil value is a leaf; a
// map an object; a one-element slice a list of that shape.
var known = map[string]any{
	"v":        nil,
	"db":       nil,
	"identity": identityKeys,
	// The control plane (routers) is not implemented; its keys are read
	// so that a complete OpenZiti config does not warn.
	"ctrl": map[string]any{"listener": nil, "options": map[string]any{"advertiseAddress": nil}},
	"edge": map[string]any{
		"api":               map[string]any{"address": nil, "sessionTimeout": durationKey},
		"authRateLimiter":   map[string]any{"workers": nil, "queueSize": nil, "perSource": nil, "perUsername": nil, "perSourceFailures": nil, "perSourceFailureInterval": durationKey, "failureShare": nil},
		"connectionLimiter": map[string]any{"perSource": nil, "refusedConnections": nil},
		"enrollment": map[string]any{
			"signingCert":  map[string]any{"cert": nil, "key": nil},
			"edgeIdentity": map[string]any{"duration": durationKey},
			"edgeRouter":   map[string]any{"duration": durationKey},
		},
	},
	"web": []any{map[string]any{
		"name":       nil,
		"bindPoints": []any{map[string]any{"interface": nil, "address": nil}},
		"identity":   identityKeys,
		"options": map[string]any{
			"idleTimeout": durationKey, "readTimeout": durationKey, "writeTimeout": durationKey,
			"minTLSVersion": tlsVersionKey, "maxTLSVersion": tlsVersionKey,
		},
		"apis": []any{map[string]any{"binding": nil, "options": anyKey}},
	}},
}

// Load reads and validates the config file at path. Relative file paths in
// it are resolved against the config file's directory.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading controller config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.resolvePaths(filepath.Dir(path))
	return c, nil
}

// Parse parses and validates config YAML without touching the file system.
func Parse(data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, errors.New("the config is empty")
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, errors.New("the config must be a YAML mapping at the top level")
	}
	var warnings []string
	if err := walk(doc, known, "", &warnings); err != nil {
		return nil, err
	}
	var c Config
	if err := doc.Decode(&c); err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	c.Warnings = warnings
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func walk(n *yaml.Node, shape any, path string, warnings *[]string) error {
	switch s := shape.(type) {
	case map[string]any:
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return nil
			}
			return fmt.Errorf("%s: must be a mapping (line %d)", path, n.Line)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			p := key
			if path != "" {
				p = path + "." + key
			}
			sub, ok := s[key]
			if !ok {
				if !isEmpty(n.Content[i+1]) {
					*warnings = append(*warnings, fmt.Sprintf("%s: unknown or not implemented by controllersrv, ignored", p))
				}
				continue
			}
			if err := walk(n.Content[i+1], sub, p, warnings); err != nil {
				return err
			}
		}
	case []any:
		if n.Kind != yaml.SequenceNode {
			if n.Tag == "!!null" {
				return nil
			}
			return fmt.Errorf("%s: must be a list (line %d)", path, n.Line)
		}
		for i, item := range n.Content {
			if err := walk(item, s[0], fmt.Sprintf("%s[%d]", path, i), warnings); err != nil {
				return err
			}
		}
	case string:
		switch s {
		case durationKey:
			var d Duration
			if err := d.UnmarshalYAML(n); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		case tlsVersionKey:
			if _, err := TLSVersion(n.Value); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
	default:
		if n.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s: must be a single value (line %d)", path, n.Line)
		}
	}
	return nil
}

// isEmpty reports whether a value sets nothing (null, {} or []), so that
// ignoring it ignores nothing: real configs carry `options: { }`.
func isEmpty(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		return len(n.Content) == 0
	case yaml.ScalarNode:
		return n.Tag == "!!null"
	}
	return false
}

// TLSVersion maps an OpenZiti TLS version name (TLS1.2, TLS1.3) to its
// crypto/tls constant; "" is 0 (the default).
func TLSVersion(name string) (uint16, error) {
	switch strings.ToUpper(strings.TrimSpace(name)) {
	case "":
		return 0, nil
	case "TLS1.2":
		return tls.VersionTLS12, nil
	case "TLS1.3":
		return tls.VersionTLS13, nil
	}
	return 0, fmt.Errorf("unsupported TLS version %q: use TLS1.2 or TLS1.3", name)
}

func (c *Config) validate() error {
	if c.V != 3 {
		return fmt.Errorf("v: must be 3 (the OpenZiti v3 controller config), got %d", c.V)
	}
	addr := c.Edge.API.Address
	if addr == "" {
		return errors.New("edge.api.address: required: the host:port clients use for the Edge API (it becomes the enrollment JWT issuer)")
	}
	if err := checkHostPort(addr); err != nil {
		return fmt.Errorf("edge.api.address: %w", err)
	}
	if l := c.Edge.AuthRateLimiter; min(l.Workers, l.QueueSize, l.PerSource, l.PerUsername, l.PerSourceFailures) < 0 {
		return errors.New("edge.authRateLimiter: workers, queueSize, perSource, perUsername and perSourceFailures must be 0 (the default) or a positive number of password checks")
	}
	if s := c.Edge.AuthRateLimiter.FailureShare; s < 0 || s > 1 {
		return fmt.Errorf("edge.authRateLimiter.failureShare: %g is not a share: give 0 (the default, 0.25) or a number over 0 and at most 1 (1: failed checks may take all of a worker's time)", s)
	}
	if l := c.Edge.ConnectionLimiter; min(l.PerSource, l.RefusedConnections) < 0 {
		return errors.New("edge.connectionLimiter: perSource and refusedConnections must be 0 (the default) or a positive number of connections")
	}
	if c.Edge.Enrollment.SigningCert.Cert == "" {
		return errors.New("edge.enrollment.signingCert.cert: required: the signing CA certificate (chain) that signs enrolled identities' certificates")
	}
	if c.Edge.Enrollment.SigningCert.Key == "" {
		return errors.New("edge.enrollment.signingCert.key: required: the signing CA's private key")
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{
		{"edge.enrollment.edgeIdentity.duration", c.Edge.Enrollment.EdgeIdentity.Duration.Duration},
		{"edge.enrollment.edgeRouter.duration", c.Edge.Enrollment.EdgeRouter.Duration.Duration},
		{"edge.api.sessionTimeout", c.Edge.API.SessionTimeout.Duration},
		{"edge.authRateLimiter.perSourceFailureInterval", c.Edge.AuthRateLimiter.PerSourceFailureInterval.Duration},
	} {
		if d.v < 0 {
			return fmt.Errorf("%s: must be positive", d.key)
		}
	}
	if len(c.Web) == 0 {
		return errors.New("web: required: at least one web listener serving edge-client and edge-management")
	}
	client := false
	for i := range c.Web {
		w := &c.Web[i]
		p := fmt.Sprintf("web[%d]", i)
		if len(w.BindPoints) == 0 {
			return fmt.Errorf("%s.bindPoints: required: at least one {interface, address}", p)
		}
		for j, bp := range w.BindPoints {
			bpp := fmt.Sprintf("%s.bindPoints[%d]", p, j)
			if bp.Interface == "" {
				return fmt.Errorf("%s.interface: required: the listen address, e.g. 0.0.0.0:1280", bpp)
			}
			if err := checkHostPort(bp.Interface); err != nil {
				return fmt.Errorf("%s.interface: %w", bpp, err)
			}
			if bp.Address != "" {
				if err := checkHostPort(bp.Address); err != nil {
					return fmt.Errorf("%s.address: %w", bpp, err)
				}
			}
		}
		if w.Identity.isZero() {
			w.Identity = c.Identity
			w.Identity.AltServerCerts = slices.Clone(c.Identity.AltServerCerts)
		}
		if w.Identity.ServerCert == "" && w.Identity.Cert == "" {
			return fmt.Errorf("%s.identity.server_cert: required: the TLS server certificate chain of the Edge API", p)
		}
		if w.Identity.Key == "" && w.Identity.ServerKey == "" {
			return fmt.Errorf("%s.identity.key: required: the private key of the TLS server certificate", p)
		}
		for j, alt := range w.Identity.AltServerCerts {
			if alt.ServerCert == "" || alt.ServerKey == "" {
				return fmt.Errorf("%s.identity.alt_server_certs[%d]: both server_cert and server_key are required", p, j)
			}
		}
		if len(w.APIs) == 0 {
			return fmt.Errorf("%s.apis: required: list the APIs to serve (edge-management, edge-client, health-checks)", p)
		}
		for j, a := range w.APIs {
			ap := fmt.Sprintf("%s.apis[%d]", p, j)
			switch a.Binding {
			case BindingEdgeManagement, BindingHealthChecks:
			case BindingEdgeClient:
				client = true
			case "":
				return fmt.Errorf("%s.binding: required: the API to serve (edge-management, edge-client or health-checks)", ap)
			default:
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s.binding: %q is not implemented by controllersrv, ignored (it serves edge-management, edge-client and health-checks)", ap, a.Binding))
				continue
			}
			if len(a.Options) > 0 {
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s.options: API options are not implemented by controllersrv, ignored", ap))
			}
		}
	}
	if !client {
		return errors.New("web: no web entry serves the edge-client API: add `- binding: edge-client` to a web entry's apis")
	}
	return nil
}

func checkHostPort(s string) error {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("%q is not host:port: %w", s, err)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q has an invalid port", s)
	}
	return nil
}

func (c *Config) resolvePaths(dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	abs(&c.DB)
	for _, id := range []*Identity{&c.Identity} {
		abs(&id.Cert)
		abs(&id.ServerCert)
		abs(&id.Key)
		abs(&id.ServerKey)
		abs(&id.CA)
	}
	abs(&c.Edge.Enrollment.SigningCert.Cert)
	abs(&c.Edge.Enrollment.SigningCert.Key)
	for i := range c.Web {
		id := &c.Web[i].Identity
		abs(&id.Cert)
		abs(&id.ServerCert)
		abs(&id.Key)
		abs(&id.ServerKey)
		abs(&id.CA)
		for j := range id.AltServerCerts {
			abs(&id.AltServerCerts[j].ServerCert)
			abs(&id.AltServerCerts[j].ServerKey)
		}
	}
}

// EnrollmentDuration is the lifetime of identity enrollment tokens.
func (c *Config) EnrollmentDuration() time.Duration {
	if d := c.Edge.Enrollment.EdgeIdentity.Duration.Duration; d > 0 {
		return d
	}
	return DefaultEnrollmentDuration
}

// RouterEnrollmentDuration is the lifetime of router enrollment tokens.
func (c *Config) RouterEnrollmentDuration() time.Duration {
	if d := c.Edge.Enrollment.EdgeRouter.Duration.Duration; d > 0 {
		return d
	}
	return DefaultEnrollmentDuration
}

// SessionTimeout is the idle expiry of API sessions.
func (c *Config) SessionTimeout() time.Duration {
	if d := c.Edge.API.SessionTimeout.Duration; d > 0 {
		return d
	}
	return DefaultSessionTimeout
}

// Marshal renders the config as YAML (what quickstart writes).
func (c *Config) Marshal() ([]byte, error) {
	type plain Config // drop methods so yaml sees the struct
	return yaml.Marshal((*plain)(c))
}

// IsZero lets yaml omit unset durations.
func (d Duration) IsZero() bool { return d.Duration == 0 }

// MarshalYAML writes Go duration syntax.
func (d Duration) MarshalYAML() (any, error) {
	if d.Duration == 0 {
		return nil, nil
	}
	return d.String(), nil
}
