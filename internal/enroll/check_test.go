package enroll

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// TestCheckControllerJWKS covers the signer check without any JWT: the
// controller's public enrollment JWKS must name the presented leaf.
func TestCheckControllerJWKS(t *testing.T) {
	p := newTestPKI(t, pki.ECP256)
	ctrl, _ := p.serverCert(t, pki.ECP256, []string{"localhost"}, loopback)
	mux := http.NewServeMux()
	mux.HandleFunc("/edge/client/v1/enroll/jwks", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]any{{
			"kty": "EC", "kid": sha1Hex(ctrl.Certificate[0]), "x5c": []string{base64.StdEncoding.EncodeToString(ctrl.Certificate[0])},
		}}})
	})
	mux.HandleFunc(edgewire.CACertsPath, func(w http.ResponseWriter, _ *http.Request) {
		b, _ := edgewire.EncodeCACerts(p.bundle)
		_, _ = w.Write(b)
	})
	mux.HandleFunc("/version", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"data":{"version":"v9.9.9"},"meta":{}}`))
	})
	direct := startTLS(t, ctrl, mux)
	r, err := CheckController(context.Background(), direct.URL, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.PassthroughOK || r.SignerCheck != SignerCheckJWKS || r.Version != "v9.9.9" || !*r.ChainTrusted || len(r.Problems) != 0 {
		t.Fatalf("direct: %+v", r)
	}

	// A TLS-terminating proxy forwards the same JWKS but presents its own
	// certificate (valid for the name, from the same CA even).
	proxyCert, _ := p.serverCert(t, pki.ECP256, []string{"localhost"}, loopback)
	proxy := startTLS(t, proxyCert, mux)
	r, err = CheckController(context.Background(), strings.TrimPrefix(proxy.URL, "https://"), CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.PassthroughOK || r.LeafIsSigner == nil || *r.LeafIsSigner || !strings.Contains(strings.Join(r.Problems, " "), "TCP passthrough") {
		t.Fatalf("proxy: passthrough_ok=%v problems=%q", r.PassthroughOK, r.Problems)
	}

	// No JWKS and no JWT: undetermined, never OK.
	bare := startTLS(t, ctrl, http.NotFoundHandler())
	r, err = CheckController(context.Background(), bare.URL, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.PassthroughOK || r.LeafIsSigner != nil || r.SignerCheck != SignerCheckNone {
		t.Fatalf("no signal: %+v", r)
	}
}

func TestEndpointAddr(t *testing.T) {
	for in, want := range map[string]string{
		"ctrl.example.com":                     "ctrl.example.com:443",
		"ctrl:1280":                            "ctrl:1280",
		"https://ctrl:1280/edge/management/v1": "ctrl:1280",
		"https://[::1]:8441":                   "[::1]:8441",
		"10.0.0.7":                             "10.0.0.7:443",
		"ctrl-1.example.com.:1280":             "ctrl-1.example.com.:1280",
	} {
		if _, addr, _, err := EndpointAddr(in); err != nil || addr != want {
			t.Errorf("%s: %q %v", in, addr, err)
		}
	}
	for _, bad := range []string{"", "http://ctrl:1280", "https://ctrl:0", "https://:1280", "ctrl]x:1280", "ct\xd3rl:1280", "a..b:1280"} {
		if _, _, _, err := EndpointAddr(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestCheckControllerNetworkJWT covers controllers without an enrollment
// JWKS (OpenZiti v1.7 answers 501 there): the public network JWT, signed
// with the same key as enrollment JWTs, decides instead.
func TestCheckControllerNetworkJWT(t *testing.T) {
	p := newTestPKI(t, pki.ECP256)
	ctrl, _ := p.serverCert(t, pki.ECP256, []string{"localhost"}, loopback)
	other, _ := p.serverCert(t, pki.ECP256, []string{"localhost"}, loopback)
	controller := func(signer tls.Certificate) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("/edge/client/v1/enroll/jwks", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotImplemented)
			_, _ = w.Write([]byte(`{"error":{"code":"UNHANDLED","message":"operation enroll.GetEnrollmentJwks has not yet been implemented"},"meta":{}}`))
		})
		mux.HandleFunc("/edge/client/v1/network-jwts", func(w http.ResponseWriter, _ *http.Request) {
			// The claims of a network JWT are not an enrollment token's.
			tok := signToken(t, signer, map[string]any{"iss": "https://localhost/", "sub": "https://localhost/", "aud": []string{"openziti-enroller"}, "jti": "n-1", "em": "network", "ctrls": nil})
			_ = json.NewEncoder(w).Encode(map[string]any{"data": []map[string]any{{"name": "default", "token": tok}}, "meta": map[string]any{}})
		})
		mux.HandleFunc(edgewire.CACertsPath, func(w http.ResponseWriter, _ *http.Request) {
			b, _ := edgewire.EncodeCACerts(p.bundle)
			_, _ = w.Write(b)
		})
		mux.HandleFunc("/version", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"data":{"version":"v1.7.2"},"meta":{}}`))
		})
		return mux
	}

	direct := startTLS(t, ctrl, controller(ctrl))
	r, err := CheckController(context.Background(), direct.URL, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.PassthroughOK || r.SignerCheck != SignerCheckNetworkJWT || len(r.Problems) != 0 {
		t.Fatalf("direct: passthrough_ok=%v signer_check=%s problems=%q", r.PassthroughOK, r.SignerCheck, r.Problems)
	}

	// Behind a TLS-terminating proxy the controller's network JWT does not
	// verify with the proxy's certificate.
	proxy := startTLS(t, other, controller(ctrl))
	r, err = CheckController(context.Background(), proxy.URL, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.PassthroughOK || r.SignerCheck != SignerCheckNetworkJWT || !strings.Contains(strings.Join(r.Problems, " "), "TCP passthrough") {
		t.Fatalf("proxy: passthrough_ok=%v signer_check=%s problems=%q", r.PassthroughOK, r.SignerCheck, r.Problems)
	}

	// Neither signal: undetermined, and the problem says what would decide it.
	bare := startTLS(t, ctrl, http.NotFoundHandler())
	r, err = CheckController(context.Background(), bare.URL, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.PassthroughOK || r.LeafIsSigner != nil || !strings.Contains(strings.Join(r.Problems, " "), "network-jwts") {
		t.Fatalf("no signal: %+v", r)
	}
}
