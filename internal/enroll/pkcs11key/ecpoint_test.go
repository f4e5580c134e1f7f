//go:build cgo

package pkcs11key

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/asn1"
	"testing"
)

// TestParseECPoint: the DER form PKCS#11 specifies, the bare point, and
// tpm2-pkcs11 1.9's one-byte length for P-521 all read the same key;
// anything else, or a point off the curve, is refused.
func TestParseECPoint(t *testing.T) {
	for _, c := range []elliptic.Curve{elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		k, _ := ecdsa.GenerateKey(c, rand.Reader)
		raw, _ := k.PublicKey.Bytes()
		der, _ := asn1.Marshal(raw)
		short := append([]byte{asn1.TagOctetString, byte(len(raw))}, raw...)
		for name, b := range map[string][]byte{"DER": der, "bare": raw, "one-byte length": short} {
			pub, err := parseECPoint(b, c)
			if err != nil || !pub.Equal(&k.PublicKey) {
				t.Errorf("%s %s: %v", c.Params().Name, name, err)
			}
		}
		bad := append([]byte{}, raw...)
		bad[len(bad)-1] ^= 1
		badDER, _ := asn1.Marshal(bad)
		for name, b := range map[string][]byte{"off the curve": badDER, "truncated": der[:len(der)-1], "empty": nil, "trailing": append(der, 0)} {
			if _, err := parseECPoint(b, c); err == nil {
				t.Errorf("%s %s accepted", c.Params().Name, name)
			}
		}
	}
}
