package enroll

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// DialTimeout bounds the TCP connect and TLS handshake of every probe.
const DialTimeout = 15 * time.Second

// Presented is what a TLS server sent during the handshake, taken without
// trusting it (step 5 of enrollment).
type Presented struct {
	Addr  string
	Chain []*x509.Certificate
}

// Leaf is the server's own certificate.
func (p *Presented) Leaf() *x509.Certificate { return p.Chain[0] }

// SHA1 is the lowercase hex SHA-1 of the leaf DER: what `kid` must be.
func (p *Presented) SHA1() string { return pki.FingerprintSHA1(p.Leaf()) }

// Covers reports whether the leaf's SANs cover host, with Go's hostname
// rules (the ones every later TLS connection of the identity uses).
func (p *Presented) Covers(host string) bool { return p.Leaf().VerifyHostname(host) == nil }

// Probe connects to addr (host:port) and returns the certificate chain the
// server presents. Nothing is verified: the caller pins what it got once it
// has proved that the leaf is the one it expects. serverName is sent as SNI
// (proxies route on it); it may be empty or an IP, in which case no SNI goes out.
func Probe(ctx context.Context, addr, serverName string) (*Presented, error) {
	d := tls.Dialer{
		NetDialer: &net.Dialer{Timeout: DialTimeout},
		Config: &tls.Config{
			// The chain is inspected, not trusted; see Pinned.
			InsecureSkipVerify: true, //nolint:gosec // trust-on-first-use of the token's issuer, verified by the JWT signature.
			ServerName:         sniName(serverName),
			MinVersion:         tls.VersionTLS12,
		},
	}
	ctx, cancel := context.WithTimeout(ctx, DialTimeout)
	defer cancel()
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, &UnreachableError{Addr: addr, Err: err}
	}
	defer conn.Close()
	cs := conn.(*tls.Conn).ConnectionState()
	if len(cs.PeerCertificates) == 0 {
		return nil, &UnreachableError{Addr: addr, Err: errors.New("the TLS server presented no certificate")}
	}
	return &Presented{Addr: addr, Chain: cs.PeerCertificates}, nil
}

func sniName(host string) string {
	if net.ParseIP(host) != nil {
		return ""
	}
	return host
}

// PinnedClient returns an HTTP client that talks only to a server presenting
// exactly leaf. It is how the EST CA store is fetched before anything else
// is trusted (step 7 of enrollment). cert, when non-nil, is offered for TLS
// client authentication.
func PinnedClient(leaf *x509.Certificate, serverName string, cert *tls.Certificate) *http.Client {
	cfg := &tls.Config{
		InsecureSkipVerify: true, //nolint:gosec // replaced by the exact-leaf check in VerifyConnection.
		ServerName:         sniName(serverName),
		MinVersion:         tls.VersionTLS12,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, leaf.Raw) {
				return fmt.Errorf("the controller now presents a different certificate than the one that signed the token (pinned SHA-1 %s)", pki.FingerprintSHA1(leaf))
			}
			return nil
		},
	}
	if cert != nil {
		c := *cert
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &c, nil }
	}
	return newHTTPClient(cfg)
}

// TrustingClient returns an HTTP client that verifies the server against
// roots with the usual hostname check: the trust an enrolled identity uses.
func TrustingClient(roots *x509.CertPool, serverName string, cert *tls.Certificate) *http.Client {
	cfg := &tls.Config{RootCAs: roots, ServerName: serverName, MinVersion: tls.VersionTLS12}
	if cert != nil {
		c := *cert
		// GetClientCertificate (not Certificates) so the certificate is sent
		// even when the server's acceptable-CA list does not name its issuer,
		// as for third-party CAs.
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &c, nil }
	}
	return newHTTPClient(cfg)
}

func newHTTPClient(cfg *tls.Config) *http.Client {
	return &http.Client{
		Timeout: 60 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig:     cfg,
			DialContext:         (&net.Dialer{Timeout: DialTimeout}).DialContext,
			TLSHandshakeTimeout: DialTimeout,
			ForceAttemptHTTP2:   true,
			// One controller, few requests: do not keep idle sockets around.
			MaxIdleConns:    2,
			IdleConnTimeout: 30 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return errors.New("the controller answered with a redirect: enrollment requests are never redirected")
		},
	}
}

// VerifyChain checks that the presented chain verifies against the CA bundle
// for serverName, the way every later connection of the identity will.
func (p *Presented) VerifyChain(roots *x509.CertPool, serverName string, now time.Time) error {
	inter := x509.NewCertPool()
	for _, c := range p.Chain[1:] {
		inter.AddCert(c)
	}
	_, err := p.Leaf().Verify(x509.VerifyOptions{
		DNSName:       serverName,
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	return err
}
