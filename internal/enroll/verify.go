package enroll

import (
	"context"
	"crypto/sha1" //nolint:gosec // kid is defined as the SHA-1 of the certificate DER.
	"encoding/hex"
	"errors"
	"strings"
)

func sha1Hex(der []byte) string {
	s := sha1.Sum(der) //nolint:gosec // see import
	return hex.EncodeToString(s[:])
}

// Verified is a token whose signature was checked against the certificate
// that the TLS server at its issuer presents.
type Verified struct {
	Token     *Token
	Presented *Presented
	// Warnings are worth showing but do not stop the enrollment.
	Warnings []string
}

// VerifyToken performs steps 5 and 6 of enrollment: connect to the token's
// issuer, take the presented leaf without trusting it, and verify the token
// with that leaf's public key. It also checks that the leaf covers the
// issuer host, because every later (verified) connection depends on it.
func VerifyToken(ctx context.Context, tok *Token) (*Verified, error) {
	p, err := Probe(ctx, tok.Addr, tok.Host)
	if err != nil {
		return nil, err
	}
	if err := CheckSigner(tok, p); err != nil {
		return nil, err
	}
	v := &Verified{Token: tok, Presented: p}
	if tok.Header.Kid != "" && !strings.EqualFold(tok.Header.Kid, p.SHA1()) {
		// Same key, different certificate: the controller's certificate was
		// renewed with its key after the token was issued. The signature is
		// what proves the issuer, so this is only worth a note.
		v.Warnings = append(v.Warnings, "the token's kid "+tok.Header.Kid+" is not the SHA-1 of the presented certificate ("+p.SHA1()+
			"): the controller's certificate was renewed with the same key after the token was issued")
	}
	if !p.Covers(tok.Host) {
		return nil, &SANMismatchError{Host: tok.Host, Leaf: p.Leaf()}
	}
	return v, nil
}

// CheckSigner verifies tok with the public key of the presented leaf and
// names the failure: a kid that matches the leaf but a bad signature means
// the token text was damaged; anything else means another certificate
// signed it, i.e. a TLS-terminating proxy or load balancer.
func CheckSigner(tok *Token, p *Presented) error {
	err := tok.VerifySignature(p.Leaf().PublicKey)
	if err == nil {
		return nil
	}
	if !errors.Is(err, ErrBadSignature) {
		return err
	}
	if tok.Header.Kid != "" && strings.EqualFold(tok.Header.Kid, p.SHA1()) {
		return &TamperedError{Addr: p.Addr}
	}
	return &NotSignerError{Addr: p.Addr, Kid: tok.Header.Kid, Presented: p.Leaf()}
}
