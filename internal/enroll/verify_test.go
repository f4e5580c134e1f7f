package enroll

import (
	"context"
	"crypto"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func TestVerifyToken(t *testing.T) {
	p := newTestPKI(t, pki.ECP256)
	ctrl, _ := p.serverCert(t, pki.ECP256, []string{"localhost"}, loopback)
	srv := startTLS(t, ctrl, http.NotFoundHandler())
	iss := "https://" + srv.Listener.Addr().String()
	ctx := context.Background()

	t.Run("presented leaf signed it", func(t *testing.T) {
		tok, err := ParseToken(signToken(t, ctrl, claimsFor(iss, "ott", time.Now().Add(time.Hour))))
		if err != nil {
			t.Fatal(err)
		}
		v, err := VerifyToken(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if v.Presented.SHA1() != tok.Header.Kid || len(v.Warnings) != 0 || len(v.Presented.Chain) != 2 {
			t.Fatalf("kid %s sha1 %s warnings %v chain %d", tok.Header.Kid, v.Presented.SHA1(), v.Warnings, len(v.Presented.Chain))
		}
	})

	t.Run("other certificate signed it (TLS-terminating proxy)", func(t *testing.T) {
		// What an ALB does: a different certificate, valid for the name,
		// in front of the controller that signed the token.
		proxyCert, _ := p.serverCert(t, pki.RSA2048, []string{"localhost"}, loopback)
		proxy := startTLS(t, proxyCert, http.NotFoundHandler())
		tok, _ := ParseToken(signToken(t, ctrl, claimsFor("https://"+proxy.Listener.Addr().String(), "ott", time.Now().Add(time.Hour))))
		_, err := VerifyToken(ctx, tok)
		var ns *NotSignerError
		if !errors.As(err, &ns) || !errors.Is(err, ErrNotSigner) {
			t.Fatalf("got %v", err)
		}
		msg := err.Error()
		for _, want := range []string{
			"the certificate presented by " + proxy.Listener.Addr().String() + " is not the one that signed this token",
			"is TLS terminated by a proxy or load balancer?",
			"TCP passthrough (it signs enrollment tokens with the key of the certificate it presents)",
			tok.Header.Kid,
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("message lacks %q:\n%s", want, msg)
			}
		}
		if strings.Contains(msg, tok.Claims.ID) || strings.Contains(msg, tok.Raw()) {
			t.Fatal("error leaks the token")
		}
	})

	t.Run("kid matches but token altered", func(t *testing.T) {
		raw := signToken(t, ctrl, claimsFor(iss, "ott", time.Now().Add(time.Hour)))
		parts := strings.Split(raw, ".")
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		sig[3] ^= 2
		tok, err := ParseToken(parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := VerifyToken(ctx, tok); !errors.Is(err, ErrTampered) {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("certificate does not cover the address", func(t *testing.T) {
		narrow, _ := p.serverCert(t, pki.ECP256, []string{"ctrl.example.com"}, nil)
		s := startTLS(t, narrow, http.NotFoundHandler())
		tok, _ := ParseToken(signToken(t, narrow, claimsFor("https://"+s.Listener.Addr().String(), "ott", time.Now().Add(time.Hour))))
		_, err := VerifyToken(ctx, tok)
		if !errors.Is(err, ErrSANMismatch) || !strings.Contains(err.Error(), `does not cover "127.0.0.1"`) || !strings.Contains(err.Error(), "DNS:ctrl.example.com") {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("unreachable", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		tok, _ := ParseToken(signToken(t, ctrl, claimsFor("https://"+addr, "ott", time.Now().Add(time.Hour))))
		_, err = VerifyToken(ctx, tok)
		if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "cannot reach the controller at "+addr) {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("same key, renewed certificate", func(t *testing.T) {
		tok, _ := ParseToken(signTokenWith(t, ctrl.PrivateKey.(crypto.Signer), "ES256", strings.Repeat("0", 40), claimsFor(iss, "ott", time.Now().Add(time.Hour))))
		v, err := VerifyToken(ctx, tok)
		if err != nil || len(v.Warnings) != 1 {
			t.Fatalf("got %v, warnings %v", err, v)
		}
	})
}
