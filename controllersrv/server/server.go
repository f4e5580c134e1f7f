// Package server wires controllersrv together: it loads the config and the
// key material, opens the database, builds the API and serves it on the
// configured TLS listeners. Tests and the provider's acceptance tests use
// Start to run a controller in-process.
package server

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/api"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/config"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/jwtsign"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/quickstart"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Options configure a quickstart-style in-process controller.
type Options struct {
	Home          string       // directory for PKI, config, db; created if missing; reused if present (quickstart semantics)
	Bind          string       // listen address, e.g. "127.0.0.1:0"
	Address       string       // advertised host:port for JWT iss and SANs; "" = the actual listen address
	AdminUsername string       // default "admin"
	AdminPassword string       // "" = generated
	Logger        *slog.Logger // nil = discard
	// Now is the controller's clock (nil = time.Now): tests move it to
	// expire sessions, tokens and lockouts.
	Now func() time.Time
	// JWKSClient fetches external JWT signers' JWKS endpoints (nil = one
	// that trusts the system roots).
	JWKSClient *http.Client
	// AuthWorkers and AuthQueue are the number of password checks that
	// may run at once and wait (0: sized from the CPU count; config
	// edge.authRateLimiter.workers and queueSize); more are refused with
	// 429 RATE_LIMITED before any key derivation.
	AuthWorkers, AuthQueue int
	// ConnectionsPerSource bounds the connections open from one address
	// (an IPv6 /64) on all listeners (0: sized from the CPU count; config
	// edge.connectionLimiter.perSource); more are closed before the TLS
	// handshake.
	ConnectionsPerSource int
	// RefusedConnections bounds the connections answered 429 (0: sized
	// from the CPU count; config edge.connectionLimiter.refusedConnections).
	RefusedConnections int
}

// DefaultBind is the listen address when Options.Bind is empty.
const DefaultBind = "127.0.0.1:1280"

// ClientCertValidity is the lifetime of certificates issued at enrollment.
const ClientCertValidity = 365 * 24 * time.Hour

// Server is a running controller.
type Server struct {
	cfg      *config.Config
	logger   *slog.Logger
	db       *store.DB
	sessions *auth.Sessions
	url      string
	caPEM    []byte
	signing  *pki.Issuer // the enrollment signing CA (benchmarks compare against it)

	adminUser, adminPass string

	servers   []*http.Server
	listeners []net.Listener
	conns     *connLimiter // one bound for every listener
	wg        sync.WaitGroup
	stop      chan struct{}
	closeErr  error
	once      sync.Once
}

// Start runs a quickstart controller in the background: it creates or
// reuses the PKI, config and database in opts.Home, listens on opts.Bind
// and ensures an admin login. ctx bounds start-up only; call Close to stop.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Home == "" {
		return nil, errors.New("server: Options.Home is required")
	}
	home, err := filepath.Abs(opts.Home)
	if err != nil {
		return nil, err
	}
	if err := quickstart.Claim(home); err != nil {
		return nil, err
	}
	bind := opts.Bind
	if bind == "" {
		bind = DefaultBind
	}
	ln, err := net.Listen("tcp", bind)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", bind, err)
	}
	address := opts.Address
	if address == "" {
		address = ln.Addr().String()
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("address %q is not host:port: %w", address, err)
	}
	if err := ctx.Err(); err != nil {
		ln.Close()
		return nil, err
	}
	if err := quickstart.EnsurePKI(home, []string{host}); err != nil {
		ln.Close()
		return nil, fmt.Errorf("quickstart PKI in %s: %w", home, err)
	}
	cfg := quickstart.Config(home, ln.Addr().String(), address)
	cfg.Edge.AuthRateLimiter.Workers = opts.AuthWorkers
	cfg.Edge.AuthRateLimiter.QueueSize = opts.AuthQueue
	cfg.Edge.ConnectionLimiter.PerSource = opts.ConnectionsPerSource
	cfg.Edge.ConnectionLimiter.RefusedConnections = opts.RefusedConnections
	if err := quickstart.WriteConfig(home, cfg); err != nil {
		ln.Close()
		return nil, err
	}
	s, err := newServer(cfg, opts.Logger, map[string]net.Listener{ln.Addr().String(): ln}, opts.Now, opts.JWKSClient)
	if err != nil {
		ln.Close()
		return nil, err
	}
	if err := s.ensureAdmin(opts.AdminUsername, opts.AdminPassword); err != nil {
		s.Close()
		return nil, err
	}
	s.serve()
	return s, nil
}

// StartConfig runs a controller from an OpenZiti-shaped config file; see
// StartFromConfig.
func StartConfig(ctx context.Context, configPath string, logger *slog.Logger) (*Server, error) {
	return StartFromConfig(ctx, ConfigOptions{Config: configPath, Logger: logger})
}

// ConfigOptions configure a controller run from a config file.
type ConfigOptions struct {
	Config string // path of the controller YAML
	// DB replaces the config's `db`: controllersrv's own database when the
	// config is a real OpenZiti controller's, whose database controllersrv
	// refuses to write into (and whose HA configs name none).
	DB     string
	Logger *slog.Logger // nil = discard
}

// StartFromConfig runs a controller from an OpenZiti-shaped config file. It
// only reads the config and the key material it names. If the database has
// no admin yet, one is created from ZITI_USERNAME (default "admin") and
// ZITI_PASSWORD (generated when unset; see AdminCredentials).
func StartFromConfig(ctx context.Context, opts ConfigOptions) (*Server, error) {
	cfg, err := config.Load(opts.Config)
	if err != nil {
		return nil, err
	}
	if opts.DB != "" {
		if cfg.DB, err = filepath.Abs(opts.DB); err != nil {
			return nil, err
		}
	}
	if cfg.DB == "" {
		return nil, fmt.Errorf("%s: db: the config names no database (an OpenZiti HA config keeps its own under cluster.dataDir, which controllersrv never uses): "+
			"add `db: FILE` or pass --db FILE, a file of controllersrv's own (created if missing)", opts.Config)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := newServer(cfg, opts.Logger, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	if err := s.ensureAdmin(os.Getenv("ZITI_USERNAME"), os.Getenv("ZITI_PASSWORD")); err != nil {
		s.Close()
		return nil, err
	}
	s.serve()
	return s, nil
}

type webIdentity struct {
	tlsCert tls.Certificate
	alt     []tls.Certificate // alt_server_certs, chosen by SNI
	leaf    *x509.Certificate
	key     crypto.Signer
	ca      []*x509.Certificate
}

func loadWebIdentity(prefix string, id config.Identity) (*webIdentity, error) {
	certFile := id.ServerCert
	field := prefix + ".server_cert"
	if certFile == "" {
		certFile, field = id.Cert, prefix+".cert"
	}
	keyFile, keyField := id.Key, prefix+".key"
	if id.ServerKey != "" && id.ServerCert != "" {
		keyFile, keyField = id.ServerKey, prefix+".server_key"
	}
	cert, key, err := loadServerCert(field, certFile, keyField, keyFile)
	if err != nil {
		return nil, err
	}
	w := &webIdentity{tlsCert: cert, leaf: cert.Leaf, key: key}
	for i, alt := range id.AltServerCerts {
		p := fmt.Sprintf("%s.alt_server_certs[%d]", prefix, i)
		c, _, err := loadServerCert(p+".server_cert", alt.ServerCert, p+".server_key", alt.ServerKey)
		if err != nil {
			return nil, err
		}
		w.alt = append(w.alt, c)
	}
	if id.CA != "" {
		caPEM, err := os.ReadFile(id.CA)
		if err != nil {
			return nil, fmt.Errorf("%s.ca: %w", prefix, err)
		}
		if w.ca, err = pki.ParseCertsPEM(caPEM); err != nil {
			return nil, fmt.Errorf("%s.ca (%s): %w", prefix, id.CA, err)
		}
	}
	return w, nil
}

// loadServerCert reads a server certificate chain and its key; errors name
// the config keys.
func loadServerCert(field, certFile, keyField, keyFile string) (tls.Certificate, crypto.Signer, error) {
	chainPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("%s: %w", field, err)
	}
	leaf, inter, err := pki.SplitChain(chainPEM)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("%s (%s): %w", field, certFile, err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("%s: %w", keyField, err)
	}
	key, err := pki.ParsePrivateKeyPEM(keyPEM)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("%s (%s): %w", keyField, keyFile, err)
	}
	if !pki.SameKey(key, leaf.PublicKey) {
		return tls.Certificate{}, nil, fmt.Errorf("%s: the key does not belong to the certificate in %s", keyField, field)
	}
	cert := tls.Certificate{PrivateKey: key, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
	for _, c := range inter {
		cert.Certificate = append(cert.Certificate, c.Raw)
	}
	return cert, key, nil
}

func loadSigning(cfg *config.Config) (*pki.Issuer, error) {
	sc := cfg.Edge.Enrollment.SigningCert
	data, err := os.ReadFile(sc.Cert)
	if err != nil {
		return nil, fmt.Errorf("edge.enrollment.signingCert.cert: %w", err)
	}
	certs, err := pki.ParseCertsPEM(data)
	if err != nil {
		return nil, fmt.Errorf("edge.enrollment.signingCert.cert (%s): %w", sc.Cert, err)
	}
	keyPEM, err := os.ReadFile(sc.Key)
	if err != nil {
		return nil, fmt.Errorf("edge.enrollment.signingCert.key: %w", err)
	}
	key, err := pki.ParsePrivateKeyPEM(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("edge.enrollment.signingCert.key (%s): %w", sc.Key, err)
	}
	if !certs[0].IsCA {
		return nil, fmt.Errorf("edge.enrollment.signingCert.cert: %q is not a CA certificate: use the signing intermediate (CA:TRUE)", certs[0].Subject.CommonName)
	}
	if !pki.SameKey(key, certs[0].PublicKey) {
		return nil, errors.New("edge.enrollment.signingCert.key: the key does not belong to the first certificate in signingCert.cert")
	}
	return &pki.Issuer{Cert: certs[0], Key: key, Bundle: certs}, nil
}

// newServer loads material and builds handlers; listeners maps interface
// addresses to already-open listeners (others are opened here).
func newServer(cfg *config.Config, logger *slog.Logger, listeners map[string]net.Listener, now func() time.Time, jwksClient *http.Client) (*Server, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	for _, w := range cfg.Warnings {
		logger.Warn("config: " + w)
	}
	signing, err := loadSigning(cfg)
	if err != nil {
		return nil, err
	}
	// Enrollment JWTs are signed with the key of the web identity that
	// clients meet at edge.api.address (they verify the token with the
	// certificate that listener presents), as OpenZiti picks it: the
	// edge-client web entry advertising that address, else one whose
	// certificate covers its host, else the first edge-client entry.
	var webs []*webIdentity
	for i, w := range cfg.Web {
		wi, err := loadWebIdentity(fmt.Sprintf("web[%d].identity", i), w.Identity)
		if err != nil {
			return nil, err
		}
		webs = append(webs, wi)
	}
	apiHostOnly, _, _ := net.SplitHostPort(cfg.Edge.API.Address)
	chosen := -1
	for pass := 0; pass < 3 && chosen < 0; pass++ {
		for i, w := range cfg.Web {
			if !w.Serves(config.BindingEdgeClient) {
				continue
			}
			match := pass == 2
			if pass == 0 {
				for _, bp := range w.BindPoints {
					match = match || bp.Address == cfg.Edge.API.Address
				}
			}
			if pass == 1 {
				match = webs[i].leaf.VerifyHostname(apiHostOnly) == nil
			}
			if match {
				chosen = i
				break
			}
		}
	}
	signer, err := jwtsign.New(webs[chosen].leaf, webs[chosen].key)
	if err != nil {
		return nil, fmt.Errorf("web[%d].identity: %w", chosen, err)
	}
	apiHost, _, _ := net.SplitHostPort(cfg.Edge.API.Address)
	if signer.Leaf().VerifyHostname(apiHost) != nil {
		logger.Warn("the Edge API server certificate does not cover edge.api.address: clients will refuse the TLS connection",
			"address", cfg.Edge.API.Address, "dnsNames", signer.Leaf().DNSNames, "ipAddresses", signer.Leaf().IPAddresses)
	}
	var bundle []*x509.Certificate
	seen := map[string]bool{}
	add := func(certs ...*x509.Certificate) {
		for _, c := range certs {
			if fp := pki.FingerprintSHA256(c); !seen[fp] && c.IsCA {
				seen[fp] = true
				bundle = append(bundle, c)
			}
		}
	}
	if cfg.Identity.CA != "" {
		if data, err := os.ReadFile(cfg.Identity.CA); err != nil {
			return nil, fmt.Errorf("identity.ca: %w", err)
		} else if certs, err := pki.ParseCertsPEM(data); err != nil {
			return nil, fmt.Errorf("identity.ca (%s): %w", cfg.Identity.CA, err)
		} else {
			add(certs...)
		}
	}
	for _, w := range webs {
		add(w.ca...)
	}
	add(signing.Bundle...)

	roots := x509.NewCertPool()
	roots.AddCert(signing.Cert)

	db, err := store.Open(cfg.DB)
	if err != nil {
		return nil, err
	}
	sessions, err := auth.NewSessions(db, cfg.SessionTimeout())
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Server{
		cfg: cfg, logger: logger, db: db,
		sessions: sessions,
		url:      "https://" + cfg.Edge.API.Address,
		caPEM:    pki.EncodeCertsPEM(bundle...),
		signing:  signing,
		stop:     make(chan struct{}),
	}
	env := api.Env{
		Controller: domain.Controller{
			DB: db, Logger: logger, Signer: signer, SigningCA: signing, CABundle: bundle,
			IssuerURL:          s.url,
			EnrollmentDuration: cfg.EnrollmentDuration(), RouterEnrollmentDuration: cfg.RouterEnrollmentDuration(),
			ClientCertValidity: ClientCertValidity,
			Now:                now,
			// One counter and one key cache for every listener's copy.
			Attempts: auth.NewAttempts(),
			JWKS:     &domain.JWKSCache{Client: jwksClient},
			Changes:  domain.NewChangeClock(time.Now()),
		},
		Sessions:    s.sessions,
		CertSources: []auth.CertSource{&auth.PoolSource{Label: "controller signing CA", Roots: roots}},
		// One bound for every listener.
		AuthLimiter: auth.NewLimiter(auth.LimiterConfig{
			Workers: cfg.Edge.AuthRateLimiter.Workers, Queue: cfg.Edge.AuthRateLimiter.QueueSize,
			PerSource: cfg.Edge.AuthRateLimiter.PerSource, PerUsername: cfg.Edge.AuthRateLimiter.PerUsername,
			SourceFailures:        cfg.Edge.AuthRateLimiter.PerSourceFailures,
			SourceFailureInterval: cfg.Edge.AuthRateLimiter.PerSourceFailureInterval.Duration,
			FailureShare:          cfg.Edge.AuthRateLimiter.FailureShare,
			Now:                   now,
		}),
	}
	// Also one: memory is the process's.
	cl := cfg.Edge.ConnectionLimiter
	s.conns = newConnLimiter(cl.PerSource, cl.RefusedConnections, env.AuthLimiter.Clean)
	s.conns.logger = logger
	// Every OpenZiti network has the built-in config types (intercept.v1,
	// host.v1, ...); a database from before they existed gets them now.
	if err := env.EnsureBuiltinConfigTypes(); err != nil {
		db.Close()
		return nil, fmt.Errorf("db: creating the built-in config types: %w", err)
	}
	for i, w := range cfg.Web {
		var bindings []string
		for _, a := range w.APIs {
			bindings = append(bindings, a.Binding)
		}
		handler := closeRefused(api.New(env, bindings))
		// Validated when the config was parsed.
		minTLS, _ := config.TLSVersion(w.Options.MinTLSVersion)
		maxTLS, _ := config.TLSVersion(w.Options.MaxTLSVersion)
		tlsCfg := &tls.Config{
			MinVersion: max(minTLS, tls.VersionTLS12),
			MaxVersion: maxTLS,
			// TLS 1.2 with forward secrecy and AEAD only: Go's defaults
			// still offer the CBC-SHA1 suites (TLS 1.3 suites are fixed).
			CipherSuites: tls12Suites,
			// The first certificate is the default; an alt_server_certs
			// entry is presented to clients whose SNI it covers.
			Certificates: append([]tls.Certificate{webs[i].tlsCert}, webs[i].alt...),
			// Ask for, but do not require, a client certificate: password
			// clients have none, cert auth verifies it per request.
			ClientAuth: tls.RequestClientCert,
			NextProtos: []string{"http/1.1"},
		}
		for _, bp := range w.BindPoints {
			ln, ok := listeners[bp.Interface]
			if !ok {
				if ln, err = net.Listen("tcp", bp.Interface); err != nil {
					s.closeListeners()
					db.Close()
					return nil, fmt.Errorf("web[%d].bindPoints: listening on %s: %w", i, bp.Interface, err)
				}
			}
			hs := &http.Server{
				Handler:           handler,
				TLSConfig:         tlsCfg,
				ReadHeaderTimeout: 30 * time.Second, // also bounds the TLS handshake: generous for loaded CI machines
				ReadTimeout:       orDefault(w.Options.ReadTimeout, 60*time.Second),
				WriteTimeout:      w.Options.WriteTimeout.Duration,
				IdleTimeout:       orDefault(w.Options.IdleTimeout, 120*time.Second),
				MaxHeaderBytes:    64 << 10,
				ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
				ConnContext:       connContext,
				ConnState:         s.conns.connState,
			}
			s.servers = append(s.servers, hs)
			s.listeners = append(s.listeners, tls.NewListener(s.conns.listener(ln), tlsCfg))
		}
	}
	return s, nil
}

// tls12Suites are the TLS 1.2 suites offered: ECDHE with AES-GCM or
// ChaCha20-Poly1305.
var tls12Suites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

func orDefault(d config.Duration, def time.Duration) time.Duration {
	if d.Duration > 0 {
		return d.Duration
	}
	return def
}
