package enroll

import (
	"crypto"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func TestParseTokenRejects(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	hdr := enc(`{"alg":"ES256","typ":"JWT","kid":"ab"}`)
	good := `{"iss":"https://ctrl:1280","sub":"x","jti":"t","em":"ott","exp":1}`
	cases := map[string]struct{ tok, want string }{
		"empty":       {"  \n", "is empty"},
		"two parts":   {"a.b", "3 dot-separated parts"},
		"bad b64":     {"!!." + enc(good) + ".AA", "header is not base64url"},
		"alg none":    {enc(`{"alg":"none"}`) + "." + enc(good) + ".", "unsigned"},
		"alg HS256":   {enc(`{"alg":"HS256"}`) + "." + enc(good) + ".AA", "unsupported signature algorithm \"HS256\""},
		"typ":         {enc(`{"alg":"ES256","typ":"JWE"}`) + "." + enc(good) + ".AA", "typ"},
		"claims json": {hdr + "." + enc(`[1]`) + ".AA", "not a valid JSON object"},
		"no em":       {hdr + "." + enc(`{"iss":"https://c:1","jti":"t"}`) + ".AA", "no \"em\""},
		"unknown em":  {hdr + "." + enc(`{"iss":"https://c:1","jti":"t","em":"magic"}`) + ".AA", "unknown enrollment method"},
		"no jti":      {hdr + "." + enc(`{"iss":"https://c:1","em":"ott"}`) + ".AA", "no \"jti\""},
		"no iss":      {hdr + "." + enc(`{"jti":"t","em":"ott"}`) + ".AA", "no \"iss\""},
		"http iss":    {hdr + "." + enc(`{"iss":"http://c:1","jti":"t","em":"ott"}`) + ".AA", "must use https"},
		"iss path":    {hdr + "." + enc(`{"iss":"https://c:1/edge","jti":"t","em":"ott"}`) + ".AA", "nothing after it"},
		"iss port":    {hdr + "." + enc(`{"iss":"https://c:99999","jti":"t","em":"ott"}`) + ".AA", "invalid port"},
		"exp string":  {hdr + "." + enc(`{"iss":"https://c:1","jti":"t","em":"ott","exp":"soon"}`) + ".AA", "NumericDate"},
		"aud number":  {hdr + "." + enc(`{"iss":"https://c:1","jti":"t","em":"ott","aud":5}`) + ".AA", "\"aud\""},
		"too big":     {strings.Repeat("a", MaxTokenSize+1), "more than"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseToken(c.tok)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("ParseToken: got %v, want error containing %q", err, c.want)
			}
		})
	}
}

func TestParseTokenClaims(t *testing.T) {
	p := newTestPKI(t, pki.ECP256)
	cert, _ := p.serverCert(t, pki.ECP256, []string{"localhost"}, loopback)
	exp := time.Unix(2000000000, 0).UTC()
	raw := signToken(t, cert, map[string]any{"iss": "https://[::1]:1280/", "sub": "r1", "jti": "abc", "em": "erott", "aud": "", "exp": 2000000000.5, "ctrls": []string{"tls:c:6262"}})
	tok, err := ParseToken("\n" + raw + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if tok.Addr != "[::1]:1280" || tok.Host != "::1" || tok.Issuer() != "https://[::1]:1280" {
		t.Fatalf("addr %q host %q issuer %q", tok.Addr, tok.Host, tok.Issuer())
	}
	if tok.Claims.Method != edgewire.MethodEROTT || tok.Claims.ID != "abc" || tok.Claims.Subject != "r1" || len(tok.Claims.Audience) != 1 || tok.Claims.Controllers[0] != "tls:c:6262" {
		t.Fatalf("claims %+v", tok.Claims)
	}
	if !tok.Claims.ExpiresAt.Equal(exp.Add(500 * time.Millisecond)) {
		t.Fatalf("exp %v", tok.Claims.ExpiresAt)
	}
	if !tok.Expired(exp.Add(time.Second)) || tok.Expired(exp.Add(-time.Second)) {
		t.Fatal("Expired is wrong")
	}
	if err := tok.VerifySignature(cert.Leaf.PublicKey); err != nil {
		t.Fatal(err)
	}
	if a, _, _ := IssuerAddr("https://ctrl.example.com"); a != "ctrl.example.com:443" {
		t.Fatalf("default port: %q", a)
	}
	for _, bad := range []string{"https://M4\xd3M4\xd3]4\xd3M", "https://:1280", "https://ctrl:70000", "http://ctrl"} {
		if a, _, err := IssuerAddr(bad); err == nil {
			t.Errorf("issuer %q accepted as %q", bad, a)
		}
	}
}

func TestVerifySignatureAlgorithms(t *testing.T) {
	for _, alg := range []pki.KeyAlgorithm{pki.ECP256, pki.ECP384, pki.ECP521, pki.RSA2048} {
		t.Run(string(alg), func(t *testing.T) {
			p := newTestPKI(t, pki.ECP256)
			cert, _ := p.serverCert(t, alg, []string{"localhost"}, nil)
			tok, err := ParseToken(signToken(t, cert, claimsFor("https://localhost:1", "ott", time.Now().Add(time.Hour))))
			if err != nil {
				t.Fatal(err)
			}
			if err := tok.VerifySignature(cert.Leaf.PublicKey); err != nil {
				t.Fatalf("valid signature rejected: %v", err)
			}
			other, _ := p.serverCert(t, alg, []string{"localhost"}, nil)
			if err := tok.VerifySignature(other.Leaf.PublicKey); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("other key: got %v", err)
			}
			// Flip one bit of the claims: the signature must no longer verify.
			parts := strings.Split(tok.Raw(), ".")
			b := []byte(parts[1])
			b[5] ^= 1
			if t2, err := ParseToken(parts[0] + "." + string(b) + "." + parts[2]); err == nil {
				if err := t2.VerifySignature(cert.Leaf.PublicKey); err == nil {
					t.Fatal("altered token verified")
				}
			}
		})
	}
}

func TestVerifySignatureAlgorithmConfusion(t *testing.T) {
	p := newTestPKI(t, pki.ECP256)
	rsaCert, _ := p.serverCert(t, pki.RSA2048, []string{"x"}, nil)
	ecCert, _ := p.serverCert(t, pki.ECP256, []string{"x"}, nil)
	// RS256 token checked against an EC key, ES384 against a P-256 key.
	tok, _ := ParseToken(signToken(t, rsaCert, claimsFor("https://x:1", "ott", time.Now())))
	if err := tok.VerifySignature(ecCert.Leaf.PublicKey); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("RS256 vs EC key: %v", err)
	}
	tok, _ = ParseToken(signTokenWith(t, ecCert.PrivateKey.(crypto.Signer), "ES384", "", claimsFor("https://x:1", "ott", time.Now())))
	if err := tok.VerifySignature(ecCert.Leaf.PublicKey); !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), "needs ES256") {
		t.Fatalf("ES384 vs P-256 key: %v", err)
	}
}
