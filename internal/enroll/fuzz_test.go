package enroll

import (
	"encoding/base64"
	"net"
	"strings"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// FuzzParseToken feeds arbitrary text to the untrusted-token parser: it must
// never panic, never echo the token in an error, and whatever it accepts
// must have a dialable address and a known method.
func FuzzParseToken(f *testing.F) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	hdr := enc(`{"alg":"ES256","typ":"JWT","kid":"0a"}`)
	f.Add(hdr + "." + enc(`{"iss":"https://ctrl:1280","sub":"s","jti":"j","em":"ott","exp":1700000000,"aud":[""]}`) + ".AAAA")
	f.Add(hdr + "." + enc(`{"iss":"https://[::1]/","sub":"s","jti":"j","em":"ca","aud":"openziti-enroller"}`) + ".")
	f.Add(hdr + "." + enc(`{"iss":"https://h:1","jti":"j","em":"erott","exp":1e10,"nbf":0.5,"ctrls":["tls:h:1"]}`) + ".x")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseToken(s)
		if err != nil {
			if ts := strings.TrimSpace(s); len(ts) > 20 && strings.Contains(err.Error(), ts) {
				t.Fatalf("error echoes the token: %v", err)
			}
			return
		}
		if _, _, err := net.SplitHostPort(tok.Addr); err != nil || tok.Host == "" {
			t.Fatalf("accepted token with undialable address %q", tok.Addr)
		}
		switch tok.Claims.Method {
		case edgewire.MethodOTT, edgewire.MethodOTTCA, edgewire.MethodUPDB, edgewire.MethodEROTT, edgewire.MethodCA:
		default:
			t.Fatalf("accepted unknown method %q", tok.Claims.Method)
		}
		if _, err := hashFor(tok.Header.Alg); err != nil {
			t.Fatalf("accepted algorithm %q", tok.Header.Alg)
		}
	})
}

// FuzzClaims fuzzes only the claims JSON, where the interesting parsing is.
func FuzzClaims(f *testing.F) {
	f.Add(`{"iss":"https://ctrl:1280","sub":"s","jti":"j","em":"ott","exp":1700000000}`)
	f.Add(`{"iss":"https://c","jti":"j","em":"updb","exp":1.5,"aud":"x"}`)
	f.Add(`{"iss":"https://c","em":"ca","exp":null,"nbf":-1}`)
	f.Fuzz(func(t *testing.T, js string) {
		var c Claims
		if err := parseClaims([]byte(js), &c); err != nil {
			return
		}
		if c.Issuer == "" || c.Method == "" {
			t.Fatalf("accepted claims without iss/em: %+v", c)
		}
		if c.ExpiresAt != nil && c.ExpiresAt.Year() > 5000 {
			t.Fatalf("absurd expiry accepted: %v", c.ExpiresAt)
		}
	})
}

// FuzzParseCACerts: EST bodies come from the network before anything is
// verified by a CA, so the PKCS#7 path must survive garbage.
func FuzzParseCACerts(f *testing.F) {
	f.Add([]byte("MIIB"))
	f.Add([]byte{0x30, 0x80, 0x06, 0x09})
	f.Fuzz(func(t *testing.T, b []byte) {
		certs, err := edgewire.ParseCACerts(b)
		if err == nil && len(certs) == 0 {
			t.Fatal("no error and no certificates")
		}
	})
}
