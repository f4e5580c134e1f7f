package provider

import (
	"crypto/tls"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// silentTCPListener accepts TCP connections on loopback and never says a
// word: a TLS handshake with it waits forever.
func silentTCPListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return holdConnections(t, l)
}

// silentHTTPSListener completes TLS handshakes on loopback (with a
// certificate for 127.0.0.1, returned as PEM) and never answers a request:
// what a hung controller or proxy looks like.
func silentHTTPSListener(t *testing.T) (addr, caPEM string) {
	t.Helper()
	key, _ := pki.GenerateKey(pki.ECP256)
	is, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "hung controller"}, Validity: time.Hour, MaxPathLen: -1,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, key.Public(), key, nil)
	if err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{is.Cert.Raw}, PrivateKey: key}
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	return holdConnections(t, &handshakingListener{l}), string(pki.EncodeCertsPEM(is.Cert))
}

// handshakingListener completes the TLS handshake of each connection it
// accepts (crypto/tls would wait for the first read).
type handshakingListener struct{ net.Listener }

func (l *handshakingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		go func() { _ = c.(*tls.Conn).Handshake() }()
	}
	return c, err
}

// holdConnections accepts connections on l and keeps them open, unread and
// unanswered, until the test ends.
func holdConnections(t *testing.T, l net.Listener) string {
	t.Helper()
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never answered
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// unacceptingListener is a loopback port whose accept queue is full and
// never drained: the kernel drops further SYNs, so a TCP connect to it
// hangs (a firewall that drops packets).
func unacceptingListener(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := (&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: sa.(*syscall.SockaddrInet4).Port}).String()
	// Fill the accept queue until a connect no longer completes.
	for i := 0; i < 8; i++ {
		c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
		if err != nil {
			return addr
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Fatalf("%s kept accepting connections: cannot make a port that never accepts", addr)
	return ""
}

// TestAccControllerCheckDeadline: a controller endpoint that never answers
// fails the check within its one overall deadline (default 20s, or the
// timeout attribute), with an error saying so, instead of timing out one
// request after another (it took 181 s).
func TestAccControllerCheckDeadline(t *testing.T) {
	requireAcc(t)
	hung, hungCA := silentHTTPSListener(t)
	silent, dropping := silentTCPListener(t), unacceptingListener(t)
	// The provider points at the endpoint too (trusting its certificate),
	// so the check's read of a pending enrollment JWT (a login) waits on
	// it as well.
	provider := func(endpoint string) string {
		return fmt.Sprintf(`
provider "ziti" {
  endpoint = "https://%s"
  username = "admin"
  password = "not-used"
  ca_pem   = %q
}
`, endpoint, hungCA)
	}
	const slack = 6 * time.Second // terraform init, plan and the provider's start
	cases := []struct {
		name, config string
		deadline     time.Duration
		want         string
	}{
		{"TLS without answers, default deadline, provider's endpoint", provider(hung) + `data "ziti_controller_check" "x" {}`,
			20 * time.Second, `controller at https://` + regexp.QuoteMeta(hung) + ` did not answer within 20s`},
		{"TCP without TLS, timeout", `provider "ziti" {}
data "ziti_controller_check" "x" {
  endpoint = "https://` + silent + `"
  timeout  = "3s"
}`, 3 * time.Second, `controller at https://` + regexp.QuoteMeta(silent) + ` did not answer within 3s`},
		{"never accepts, timeout", provider(dropping) + `data "ziti_controller_check" "x" { timeout = "2s" }`,
			2 * time.Second, `controller at https://` + regexp.QuoteMeta(dropping) + ` did not answer within 2s`},
	}
	for _, tc := range cases {
		start := time.Now()
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{{
				Config:      tc.config,
				ExpectError: regexp.MustCompile(`(?s)` + tc.want),
			}},
		})
		took := time.Since(start)
		t.Logf("%s: failed after %s", tc.name, took.Round(10*time.Millisecond))
		if took > tc.deadline+slack {
			t.Errorf("%s: took %s, more than its %s deadline plus %s", tc.name, took.Round(time.Second), tc.deadline, slack)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: `provider "ziti" {}
data "ziti_controller_check" "x" {
  endpoint = "https://` + silent + `"
  timeout  = "soon"
}`,
			ExpectError: regexp.MustCompile(`(?s)timeout = "soon" is not a positive Go duration`),
		}},
	})
}
