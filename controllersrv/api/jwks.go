package api

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition (RFC 7517)
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"net/http"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// jwks publishes the enrollment JWT signing key (the web identity's TLS
// leaf) as a JSON Web Key Set, with its certificate chain in x5c. It is raw
// JSON, not an envelope, as the spec's jwks schema says.
func jwks(c *Ctx) error {
	leaf := c.API.Signer.Leaf()
	b64 := base64.RawURLEncoding.EncodeToString
	s1 := sha1.Sum(leaf.Raw) //nolint:gosec
	s256 := sha256.Sum256(leaf.Raw)
	k := map[string]any{
		"kid": c.API.Signer.KID(), "use": "sig", "x5c": []string{base64.StdEncoding.EncodeToString(leaf.Raw)},
		"x5t": b64(s1[:]), "x5t#S256": b64(s256[:]),
	}
	switch pub := leaf.PublicKey.(type) {
	case *ecdsa.PublicKey:
		size := (pub.Curve.Params().BitSize + 7) / 8
		alg, _ := pki.AlgorithmOf(pub)
		crv := map[pki.KeyAlgorithm]string{pki.ECP256: "P-256", pki.ECP384: "P-384", pki.ECP521: "P-521"}[alg]
		ecdh, err := pub.ECDH()
		if err != nil {
			return err
		}
		raw := ecdh.Bytes() // 0x04 || X || Y
		k["kty"], k["crv"], k["x"], k["y"] = "EC", crv, b64(raw[1:1+size]), b64(raw[1+size:])
		k["alg"] = map[string]string{"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}[crv]
	case *rsa.PublicKey:
		k["kty"], k["alg"], k["n"], k["e"] = "RSA", "RS256", b64(pub.N.Bytes()), b64(big.NewInt(int64(pub.E)).Bytes())
	}
	writeJSON(c.W, http.StatusOK, map[string]any{"keys": []any{k}})
	return nil
}
