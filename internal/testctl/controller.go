package testctl

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// Options configure Start. The zero value is a fresh controller in a new
// temporary directory with the admin "admin" and a random password.
type Options struct {
	// Dir holds the controller's home, CA file and logs. "" = a new
	// temporary directory, removed by Close (kept by CloseKeep).
	Dir string
	// Username and Password of the admin; defaults "admin" and random.
	Username, Password string
	// ReadyTimeout bounds the start (default 2 minutes: the real
	// controller starts in ~6 s on an idle machine, far slower on a busy one).
	ReadyTimeout time.Duration
	// Advertise is the host:port clients use when something (a TCP
	// passthrough proxy) stands in front of the controller: the issuer of
	// its enrollment JWTs and its edge.api.address. "" = where it listens.
	// It must be covered by the controller's certificate (127.0.0.1 is).
	Advertise string
}

// Controller is a running controller of either kind.
type Controller struct {
	Kind Kind
	// URL is the root URL, https://127.0.0.1:port.
	URL string
	// Addr is the host:port it listens on (the same after Restart).
	Addr string
	// CAPEM is the CA bundle that verifies the controller's TLS
	// certificate; CAFile holds the same bytes.
	CAPEM  []byte
	CAFile string
	// Username and Password are the admin's credentials.
	Username, Password string
	// Dir is the harness directory, Home the controller's own state in it.
	Dir, Home string
	// LogFile is the controller's log (the process output for ziti, the
	// slog text log at debug level for controllersrv). Restarts append.
	LogFile string

	tmpDir    bool
	timeout   time.Duration
	advertise string
	config    string // ziti run from the caller's config (StartZitiConfig), "" = quickstart
	db        string // that config's database

	mu      sync.Mutex
	srv     *server.Server // controllersrv
	logf    *os.File       // controllersrv's log, open while it runs
	proc    *process       // ziti
	routers []*Router
	tunnels []*Tunnel
	starts  int
	closed  bool
}

// Start starts a controller of the given kind. For Ziti it returns an error
// wrapping ErrNoZiti when the binary is missing.
func Start(ctx context.Context, kind Kind, opts Options) (*Controller, error) {
	c, err := newController(kind, opts)
	if err != nil {
		return nil, err
	}
	switch kind {
	case Controllersrv:
		err = c.startControllersrv(ctx)
	case Ziti:
		err = c.startZiti(ctx)
	default:
		err = fmt.Errorf("unknown controller kind %q", kind)
	}
	if err != nil {
		if c.tmpDir && !errors.Is(err, ErrNoZiti) && c.LogFile == "" {
			_ = os.RemoveAll(c.Dir)
		}
		return nil, err
	}
	return c, nil
}

// newController fills in the defaults of opts and makes the directory.
func newController(kind Kind, opts Options) (*Controller, error) {
	c := &Controller{Kind: kind, Dir: opts.Dir, Username: opts.Username, Password: opts.Password, timeout: opts.ReadyTimeout, advertise: opts.Advertise}
	if c.Username == "" {
		c.Username = "admin"
	}
	if c.Password == "" {
		var b [12]byte
		_, _ = rand.Read(b[:])
		c.Password = "ctl-" + hex.EncodeToString(b[:])
	}
	if c.timeout == 0 {
		c.timeout = 2 * time.Minute
	}
	if c.Dir == "" {
		d, err := os.MkdirTemp("", "testctl-"+string(kind)+"-")
		if err != nil {
			return nil, err
		}
		c.Dir, c.tmpDir = d, true
	} else if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return nil, err
	}
	c.Home = filepath.Join(c.Dir, "home")
	c.CAFile = filepath.Join(c.Dir, "cas.pem")
	return c, nil
}

// ManagementURL is the Edge management API base URL.
func (c *Controller) ManagementURL() string { return c.URL + edgeapi.ManagementPath }

// ClientURL is the Edge client API base URL.
func (c *Controller) ClientURL() string { return c.URL + "/edge/client/v1" }

// CertPool is a pool holding CAPEM.
func (c *Controller) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AppendCertsFromPEM(c.CAPEM)
	return p
}

// AdminClient is an Edge API client logged in (on first use) as the admin.
func (c *Controller) AdminClient() (*edgeapi.Client, error) {
	return edgeapi.New(edgeapi.Config{Endpoint: c.URL, Username: c.Username, Password: c.Password, RootCAs: c.CertPool()})
}

// Server is the in-process controllersrv (nil for the real controller):
// for tests that need what only the reference controller exposes.
func (c *Controller) Server() *server.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.srv
}

// Restart stops the controller (gracefully: in-flight requests finish) and
// starts it again on the same home and address.
func (c *Controller) Restart(ctx context.Context) error { return c.RestartAfter(ctx, 0) }

// RestartAfter is Restart with the controller down for the given time
// (clients see refused connections meanwhile).
func (c *Controller) RestartAfter(ctx context.Context, down time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Kind == Controllersrv {
		_ = c.stopControllersrv()
		time.Sleep(down)
		return c.runControllersrv(ctx, c.Addr)
	}
	c.proc.stop(10 * time.Second)
	time.Sleep(down)
	return c.runZiti(ctx)
}

// Kill stops the real controller with SIGKILL (as a crash or an OOM kill
// would) and starts it again on the same home and address. controllersrv
// runs inside the test process and cannot be killed: an error.
func (c *Controller) Kill(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Kind != Ziti {
		return fmt.Errorf("Kill needs a controller process: %s runs in-process", c.Kind)
	}
	c.proc.stop(0)
	return c.runZiti(ctx)
}

// Close stops the tunnels, the routers and the controller and removes a temporary Dir.
func (c *Controller) Close() error { return c.close(false) }

// CloseKeep is Close that keeps Dir (logs, home) for a failure's diagnosis.
func (c *Controller) CloseKeep() error { return c.close(true) }

func (c *Controller) close(keep bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	for _, tu := range c.tunnels {
		tu.Stop()
	}
	for _, r := range c.routers {
		r.stop()
	}
	var err error
	if c.srv != nil {
		err = c.stopControllersrv()
	}
	if c.proc != nil {
		c.proc.stop(5 * time.Second)
	}
	if c.tmpDir && !keep {
		if rerr := os.RemoveAll(c.Dir); err == nil {
			err = rerr
		}
	}
	return err
}

// LogTail is the last n lines of the controller's log.
func (c *Controller) LogTail(n int) string { return tailFile(c.LogFile, n) }

// String names the controller for test output.
func (c *Controller) String() string { return fmt.Sprintf("%s at %s", c.Kind, c.URL) }

// waitReady polls /version (TLS verified with CAFile, which may appear
// only once the controller has made its PKI) and then logs the admin in,
// until the deadline or until exited is closed.
func (c *Controller) waitReady(ctx context.Context, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var last error
	for {
		if last = c.probe(ctx); last == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("the controller exited before it was ready (last probe: %w)", last)
		case <-ctx.Done():
			return fmt.Errorf("the controller at %s was not ready within %v: %w", c.URL, c.timeout, last)
		case <-time.After(150 * time.Millisecond):
		}
	}
}

func (c *Controller) probe(ctx context.Context) error {
	if c.Kind == Ziti && c.config == "" && len(c.CAPEM) == 0 {
		// The first start: the quickstart root CA, once it has made it.
		pem, err := os.ReadFile(filepath.Join(c.Home, "pki", "root-ca", "certs", "root-ca.cert"))
		if err != nil {
			return err
		}
		c.CAPEM = pem
	}
	api, err := edgeapi.New(edgeapi.Config{Endpoint: c.URL, Username: c.Username, Password: c.Password, RootCAs: c.CertPool(), Retries: -1, Timeout: 5 * time.Second})
	if err != nil {
		return err
	}
	if _, err := api.Version(ctx); err != nil {
		return err
	}
	_, err = api.CurrentAPISession(ctx)
	return err
}

// freeAddr picks a free loopback port. Another process may take it before
// the controller binds it; the ziti start retries with a new one then.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func tailFile(path string, n int) string {
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
