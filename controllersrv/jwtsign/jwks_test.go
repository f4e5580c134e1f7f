package jwtsign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"testing"
)

// TestJWKSRoundTrip: every key type JWK writes, ParseJWKS reads back as
// the same key, under its kid.
func TestJWKSRoundTrip(t *testing.T) {
	ec256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ec521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	keys := map[string]crypto.PublicKey{"ec256": &ec256.PublicKey, "ec521": &ec521.PublicKey, "rsa": &rk.PublicKey, "ed": edPub}
	var set []any
	for kid, k := range keys {
		j, err := JWK(k, kid, nil)
		if err != nil {
			t.Fatal(err)
		}
		set = append(set, j)
	}
	set = append(set, map[string]any{"kid": "enc", "use": "enc", "kty": "RSA", "n": "AQAB", "e": "AQAB"})
	data, _ := json.Marshal(map[string]any{"keys": set})
	got, err := ParseJWKS(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(keys) {
		t.Fatalf("parsed %d keys, want %d (the encryption key skipped)", len(got), len(keys))
	}
	for kid, k := range keys {
		if eq, ok := got[kid].(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(k) {
			t.Errorf("key %s did not survive the round trip", kid)
		}
	}
	bad := `{"keys":[{"kid":"x","kty":"EC","crv":"P-256","x":"AQ","y":"AQ"}]}`
	if _, err := ParseJWKS([]byte(bad)); err == nil {
		t.Error("a point off the curve was accepted")
	}
}
