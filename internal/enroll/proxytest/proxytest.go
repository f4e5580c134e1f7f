// Package proxytest runs real proxies in front of a server for tests, on
// loopback ports the test picks, as processes the test starts and stops by
// pid: nginx `stream` and HAProxy `mode tcp` (TCP passthrough) and nginx
// `http` terminating TLS with a certificate of its own (what an AWS ALB or
// any HTTPS load balancer does). Missing binaries skip loudly, or fail
// under CI=true.
package proxytest

import (
	"bytes"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll/softhsmtest"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// NginxStreamModule is where Debian's libnginx-mod-stream puts the module.
const NginxStreamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"

// FreeAddr reserves a loopback host:port by binding and releasing it.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
}

// Proxy is an external proxy process the test started and stops by pid.
type Proxy struct {
	Name string
	Addr string
	cmd  *exec.Cmd
	log  *bytes.Buffer
}

func startProcess(t testing.TB, name, addr string, bin string, args ...string) *Proxy {
	t.Helper()
	p := &Proxy{Name: name, Addr: addr, log: &bytes.Buffer{}}
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
		// The exit status after a signal is expected and not interesting.
		select {
		case err := <-exited:
			_ = err // a signal's exit status is expected
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			if err := <-exited; err != nil {
				t.Logf("%s killed after 5s: %v", name, err)
			}
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
events { worker_connections 1024; }
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

// StartNginx runs nginx in the foreground with its own prefix directory.
// stream=true is L4 passthrough; false terminates TLS with a certificate of
// its own, as an ALB or any HTTPS load balancer does.
func StartNginx(t testing.TB, listen, upstream string, stream bool) *Proxy {
	t.Helper()
	bin := softhsmtest.RequireTool(t, "nginx", "nginx libnginx-mod-stream")
	if stream {
		if _, err := os.Stat(NginxStreamModule); err != nil {
			msg := "\n\n*** " + NginxStreamModule + " NOT FOUND: nginx stream test SKIPPED. Install it: apt-get install -y libnginx-mod-stream ***\n"
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
	if err := nginxTmpl.Execute(&conf, map[string]any{"Stream": stream, "Module": NginxStreamModule, "Dir": dir, "Listen": listen, "Upstream": upstream}); err != nil {
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

// StartHAProxy runs HAProxy in mode tcp in the foreground (-db).
func StartHAProxy(t testing.TB, listen, upstream string) *Proxy {
	t.Helper()
	bin := softhsmtest.RequireTool(t, "haproxy", "haproxy")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "haproxy.cfg")
	conf := fmt.Sprintf(`global
	maxconn 1024
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
