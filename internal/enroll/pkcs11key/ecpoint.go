//go:build cgo

package pkcs11key

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/asn1"
	"errors"
	"fmt"
)

// Named curves by their CKA_EC_PARAMS object identifier.
var (
	oidP256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidP384 = asn1.ObjectIdentifier{1, 3, 132, 0, 34}
	oidP521 = asn1.ObjectIdentifier{1, 3, 132, 0, 35}
)

func curveOID(c elliptic.Curve) (asn1.ObjectIdentifier, bool) {
	switch c {
	case elliptic.P256():
		return oidP256, true
	case elliptic.P384():
		return oidP384, true
	case elliptic.P521():
		return oidP521, true
	}
	return nil, false
}

// parseECParams reads CKA_EC_PARAMS: a named curve's OID.
func parseECParams(b []byte) (elliptic.Curve, error) {
	var oid asn1.ObjectIdentifier
	if rest, err := asn1.Unmarshal(b, &oid); err != nil || len(rest) > 0 {
		return nil, errors.New("CKA_EC_PARAMS is not a named curve: use P-256, P-384 or P-521")
	}
	switch {
	case oid.Equal(oidP256):
		return elliptic.P256(), nil
	case oid.Equal(oidP384):
		return elliptic.P384(), nil
	case oid.Equal(oidP521):
		return elliptic.P521(), nil
	}
	return nil, fmt.Errorf("the key is on curve %s: use P-256, P-384 or P-521", oid)
}

// parseECPoint reads CKA_EC_POINT, which PKCS#11 defines as the DER encoding
// of an OCTET STRING holding the uncompressed point. Two faulty forms seen
// in the field are accepted when they are unambiguous: the bare point
// without the OCTET STRING, and an OCTET STRING whose length is written as
// one byte even above 127 (tpm2-pkcs11 1.9 does this for P-521's 133-byte
// point, which DER reads as a five-byte long-form length). The point itself
// is always checked to be on the curve.
func parseECPoint(b []byte, c elliptic.Curve) (*ecdsa.PublicKey, error) {
	n := 1 + 2*((c.Params().BitSize+7)/8)
	var raw []byte
	var inner []byte
	rest, err := asn1.Unmarshal(b, &inner)
	switch {
	case err == nil && len(rest) == 0 && len(inner) == n:
		raw = inner
	case len(b) == n && b[0] == 0x04:
		raw = b
	case len(b) == n+2 && b[0] == asn1.TagOctetString && int(b[1]) == n:
		raw = b[2:]
	default:
		return nil, fmt.Errorf("CKA_EC_POINT (%d bytes) is not an encoded %s point", len(b), c.Params().Name)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(c, raw)
	if err != nil {
		return nil, fmt.Errorf("CKA_EC_POINT: %w", err)
	}
	return pub, nil
}
