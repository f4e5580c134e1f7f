package auth

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func issue(t *testing.T, kind pki.Kind, cn string, issuer *pki.Issuer, now time.Time) (*pki.Issuer, *x509.Certificate) {
	t.Helper()
	k, err := pki.GenerateKey(pki.KeyAlgorithm("EC-P256"))
	if err != nil {
		t.Fatal(err)
	}
	self := k // a root signs itself; others are signed by issuer
	if issuer != nil {
		self = nil
	}
	is, err := pki.Issue(pki.Request{Kind: kind, Subject: pkix.Name{CommonName: cn}, Validity: time.Hour, MaxPathLen: -1, Now: now}, k.Public(), self, issuer)
	if err != nil {
		t.Fatal(err)
	}
	return &pki.Issuer{Cert: is.Cert, Key: k, Bundle: is.Bundle}, is.Cert
}

func TestVerifyPartialChain(t *testing.T) {
	now := time.Now()
	root, rootCert := issue(t, pki.KindRootCA, "root", nil, now)
	ica1, ica1Cert := issue(t, pki.KindIntermediateCA, "ica1", root, now)
	ica2, ica2Cert := issue(t, pki.KindIntermediateCA, "ica2", ica1, now)
	_, leaf := issue(t, pki.KindClient, "leaf", ica2, now)
	_, otherCert := issue(t, pki.KindRootCA, "other", nil, now)

	// ica1 as the only anchor: the root is never needed.
	if i, err := VerifyPartialChain([]*x509.Certificate{leaf, ica2Cert}, []*x509.Certificate{otherCert, ica1Cert}, now); err != nil || i != 1 {
		t.Fatalf("partial chain to ica1: %d %v", i, err)
	}
	// Both ica1 and the root registered: the lowest index wins.
	if i, err := VerifyPartialChain([]*x509.Certificate{leaf, ica2Cert, ica1Cert}, []*x509.Certificate{rootCert, ica1Cert}, now); err != nil || i != 0 {
		t.Fatalf("two anchors: %d %v", i, err)
	}
	// Missing intermediate.
	if _, err := VerifyPartialChain([]*x509.Certificate{leaf}, []*x509.Certificate{ica1Cert}, now); err == nil {
		t.Fatal("leaf without ica2 verified against ica1")
	}
	// Expired (checked at a later time).
	if _, err := VerifyPartialChain([]*x509.Certificate{leaf, ica2Cert}, []*x509.Certificate{ica1Cert}, now.Add(2*time.Hour)); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired: %v", err)
	}
	if _, err := VerifyPartialChain([]*x509.Certificate{leaf}, nil, now); err == nil {
		t.Fatal("no anchors verified")
	}
	if _, err := VerifyPartialChain(nil, []*x509.Certificate{ica1Cert}, now); err == nil {
		t.Fatal("empty chain verified")
	}
}
