package e2e

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/softhsmtest"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// nginxStreamModule is where Debian's libnginx-mod-stream puts the module.
const nginxStreamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"

// freePort reserves a loopback port by binding and releasing it.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// controller is controllersrv running in-process, advertising the front
// address (the proxy's) in its JWTs, as it must behind a load balancer.
type controller struct {
	srv    *server.Server
	direct string // host:port it listens on
	front  string // host:port it advertises
	admin  *edgeapi.Client
	pool   *x509.CertPool
}

func startController(t testing.TB, front string) *controller {
	t.Helper()
	s, err := server.Start(context.Background(), server.Options{Home: t.TempDir(), Bind: "127.0.0.1:0", Address: front, AdminPassword: "e2e-admin-pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CAPEM()) {
		t.Fatal("controller CA bundle is empty")
	}
	direct := s.Addrs()[0].String()
	user, pw := s.AdminCredentials()
	admin, err := edgeapi.New(edgeapi.Config{Endpoint: "https://" + direct, Username: user, Password: pw, RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	return &controller{srv: s, direct: direct, front: front, admin: admin, pool: pool}
}

// ottJWT creates an identity with an ott enrollment and returns its JWT.
func (c *controller) ottJWT(t testing.TB, name string) (id, jwt string) {
	t.Helper()
	ctx := context.Background()
	id, err := c.admin.CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: name, Type: "Device", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ott: true}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.admin.GetIdentity(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Enrollment.Ott == nil || d.Enrollment.Ott.JWT == "" {
		t.Fatal("the new identity has no ott enrollment JWT")
	}
	return id, d.Enrollment.Ott.JWT
}

// proxy is an external proxy process the test started and will stop by pid.
type proxy struct {
	name string
	addr string
	cmd  *exec.Cmd
	log  *bytes.Buffer
}

func startProcess(t testing.TB, name, addr string, bin string, args ...string) *proxy {
	t.Helper()
	p := &proxy{name: name, addr: addr, log: &bytes.Buffer{}}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	// Own process group, so the stop signal reaches nginx's worker too.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	t.Cleanup(func() {
		// Stop exactly the process group we started.
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("%s exited at start-up: %v\n%s", name, err, p.log.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not listen on %s after 10s:\n%s", name, addr, p.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var nginxTmpl = template.Must(template.New("nginx").Parse(`
{{if .Stream}}load_module {{.Module}};{{end}}
daemon off;
worker_processes 1;
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log warn;
events { worker_connections 64; }
{{if .Stream}}
stream {
	server {
		listen {{.Listen}};
		proxy_pass {{.Upstream}};
	}
}
{{else}}
http {
	access_log off;
	client_body_temp_path {{.Dir}}/body;
	proxy_temp_path {{.Dir}}/proxy;
	fastcgi_temp_path {{.Dir}}/fastcgi;
	uwsgi_temp_path {{.Dir}}/uwsgi;
	scgi_temp_path {{.Dir}}/scgi;
	server {
		listen {{.Listen}} ssl;
		ssl_certificate {{.Dir}}/proxy.crt;
		ssl_certificate_key {{.Dir}}/proxy.key;
		location / {
			proxy_pass https://{{.Upstream}};
			proxy_ssl_verify off;
			proxy_set_header Host $http_host;
		}
	}
}
{{end}}
`))

// startNginx runs nginx in the foreground with its own prefix directory.
// stream=true is L4 passthrough; false terminates TLS with a certificate of
// its own, as an ALB or any HTTPS load balancer does.
func startNginx(t testing.TB, listen, upstream string, stream bool) *proxy {
	t.Helper()
	bin := softhsmtest.RequireTool(t, "nginx", "nginx libnginx-mod-stream")
	if stream {
		if _, err := os.Stat(nginxStreamModule); err != nil {
			msg := "\n\n*** " + nginxStreamModule + " NOT FOUND: nginx stream test SKIPPED. Install it: apt-get install -y libnginx-mod-stream ***\n"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	dir := t.TempDir()
	if !stream {
		writeProxyCert(t, dir)
	}
	var conf bytes.Buffer
	if err := nginxTmpl.Execute(&conf, map[string]any{"Stream": stream, "Module": nginxStreamModule, "Dir": dir, "Listen": listen, "Upstream": upstream}); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(cfg, conf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	name := "nginx http (TLS-terminating)"
	if stream {
		name = "nginx stream"
	}
	return startProcess(t, name, listen, bin, "-p", dir, "-c", cfg, "-e", filepath.Join(dir, "error.log"))
}

// writeProxyCert gives the terminating proxy its own certificate for
// 127.0.0.1 from an unrelated CA (what ACM gives an ALB).
func writeProxyCert(t testing.TB, dir string) {
	t.Helper()
	caKey, _ := pki.GenerateKey(pki.ECP256)
	ca, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "Load Balancer CA"}, Validity: time.Hour, MaxPathLen: -1}, caKey.Public(), caKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := pki.GenerateKey(pki.ECP256)
	leaf, err := pki.Issue(pki.Request{Kind: pki.KindServer, Subject: pkix.Name{CommonName: "alb.example"}, Validity: time.Hour,
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}, key.Public(), nil, &pki.Issuer{Cert: ca.Cert, Key: caKey})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, _ := pki.EncodePrivateKeyPEM(key)
	if err := os.WriteFile(filepath.Join(dir, "proxy.crt"), pki.EncodeCertsPEM(leaf.Chain...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "proxy.key"), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
}

// startHAProxy runs HAProxy in mode tcp in the foreground (-db).
func startHAProxy(t testing.TB, listen, upstream string) *proxy {
	t.Helper()
	bin := softhsmtest.RequireTool(t, "haproxy", "haproxy")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "haproxy.cfg")
	conf := fmt.Sprintf(`global
	maxconn 64
defaults
	mode tcp
	timeout connect 5s
	timeout client 30s
	timeout server 30s
frontend fe
	bind %s
	default_backend be
backend be
	server ctrl %s
`, listen, upstream)
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return startProcess(t, "haproxy mode tcp", listen, bin, "-f", cfg, "-db")
}

func contains(s string, subs ...string) error {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return fmt.Errorf("%q lacks %q", s, sub)
		}
	}
	return nil
}
