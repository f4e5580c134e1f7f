package enroll

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// Sentinels for errors.Is; every failure below wraps exactly one of them so
// callers (CLI exit codes, the data source, tests) can tell them apart.
var (
	ErrUnreachable   = errors.New("controller unreachable")
	ErrNotSigner     = errors.New("presented certificate did not sign the token")
	ErrTampered      = errors.New("token altered")
	ErrTokenExpired  = errors.New("token expired")
	ErrTokenConsumed = errors.New("token consumed or unknown")
	ErrClockSkew     = errors.New("clock skew")
	ErrSANMismatch   = errors.New("certificate does not cover the address")
	ErrCAMismatch    = errors.New("CA bundle does not verify the controller")
	ErrWrongMethod   = errors.New("wrong enrollment method")
)

// UnreachableError means the TCP connection or the TLS handshake with the
// token's issuer failed.
type UnreachableError struct {
	Addr string
	Err  error
}

func (e *UnreachableError) Error() string {
	hint := "check that the name resolves from here and that the port is open (firewall, security group, load balancer listener)"
	var dnsErr *net.DNSError
	if errors.As(e.Err, &dnsErr) {
		hint = "the name does not resolve from here: fix DNS or use an address this machine can resolve"
	}
	return fmt.Sprintf("cannot reach the controller at %s (the address in the token's iss): %v; %s", e.Addr, e.Err, hint)
}

func (e *UnreachableError) Unwrap() []error { return []error{ErrUnreachable, e.Err} }

// NotSignerError is the TLS-terminating proxy failure: the TLS server at the token's
// address presents a certificate whose key did not sign the token, which in
// practice means something in front of the controller terminates TLS.
type NotSignerError struct {
	Addr      string
	Kid       string
	Presented *x509.Certificate
}

func (e *NotSignerError) Error() string {
	return fmt.Sprintf("the certificate presented by %s is not the one that signed this token - is TLS terminated by a proxy or load balancer? "+
		"The controller must be reachable with TCP passthrough (it signs enrollment tokens with the key of the certificate it presents): an AWS NLB TCP listener, nginx stream, HAProxy mode tcp, or direct exposure, never an ALB/HTTPS listener or a CDN proxy. "+
		"(presented: subject %q, issuer %q, SHA-1 %s; the token's kid is %q)",
		e.Addr, e.Presented.Subject.String(), e.Presented.Issuer.String(), sha1Hex(e.Presented.Raw), e.Kid)
}

func (e *NotSignerError) Unwrap() error { return ErrNotSigner }

// TamperedError means the token names the presented certificate in its kid
// but the signature does not verify: the text was altered or truncated.
type TamperedError struct{ Addr string }

func (e *TamperedError) Error() string {
	return fmt.Sprintf("the token names the certificate presented by %s (kid matches) but its signature does not verify: the token was altered or truncated; copy it again from the controller", e.Addr)
}

func (e *TamperedError) Unwrap() error { return ErrTampered }

// ExpiredError means the token is past its expiry by both our clock and the
// controller's.
type ExpiredError struct {
	ExpiresAt time.Time
	Now       time.Time
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("the enrollment token expired at %s (%s ago): ask the administrator for a new one (ziti_enrollment re-issue, `/enrollments/{id}/refresh`, or the router's re-enroll)",
		e.ExpiresAt.UTC().Format(time.RFC3339), e.Now.Sub(e.ExpiresAt).Round(time.Second))
}

func (e *ExpiredError) Unwrap() error { return ErrTokenExpired }

// ClockSkewError means our clock and the controller's disagree enough to
// change the outcome.
type ClockSkewError struct {
	Local, Server time.Time
	ExpiresAt     *time.Time
	// Reason says what the skew breaks.
	Reason string
}

func (e *ClockSkewError) Error() string {
	d := e.Local.Sub(e.Server).Round(time.Second)
	dir := "ahead of"
	if d < 0 {
		dir, d = "behind", -d
	}
	return fmt.Sprintf("this machine's clock is %s %s the controller's (local %s, controller %s): %s; fix the clock (NTP) and retry",
		d, dir, e.Local.UTC().Format(time.RFC3339), e.Server.UTC().Format(time.RFC3339), e.Reason)
}

func (e *ClockSkewError) Unwrap() error { return ErrClockSkew }

// ConsumedError means the controller does not accept the token although it
// is signed and unexpired: it was used already, or revoked/replaced.
type ConsumedError struct{ API *APIError }

func (e *ConsumedError) Error() string {
	return fmt.Sprintf("the controller does not accept this enrollment token: it was already used (tokens are single use), revoked, or replaced by a re-issue; ask for a new one (%s)", e.API.Error())
}

func (e *ConsumedError) Unwrap() []error { return []error{ErrTokenConsumed, e.API} }

// SANMismatchError means the controller's certificate signed the token but
// does not cover the address in the token, so every later verified
// connection to that address would fail.
type SANMismatchError struct {
	Host string
	Leaf *x509.Certificate
}

func (e *SANMismatchError) Error() string {
	return fmt.Sprintf("the controller's certificate does not cover %q, the host in the token's iss (its SANs: %s): "+
		"add %q to the web identity server certificate's dns_names/ip_addresses, or advertise the controller under a name the certificate covers",
		e.Host, describeSANs(e.Leaf), e.Host)
}

func (e *SANMismatchError) Unwrap() error { return ErrSANMismatch }

func describeSANs(c *x509.Certificate) string {
	var s []string
	for _, d := range c.DNSNames {
		s = append(s, "DNS:"+d)
	}
	for _, ip := range c.IPAddresses {
		s = append(s, "IP:"+ip.String())
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// APIError is an Edge API error answer, decoded by edgewire.DecodeError,
// the decoder the provider's client and controllersrv share.
type APIError = edgewire.APIError
