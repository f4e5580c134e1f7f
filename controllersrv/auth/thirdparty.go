package auth

import (
	"crypto/x509"
	"errors"
	"time"
)

// VerifyPartialChain checks a client chain (leaf first, then any
// intermediates the client sent) against a set of anchors and returns the
// index of the anchor it chains to (the lowest one if several do). An
// anchor is trusted as is, even when it is an intermediate whose own issuer
// is unknown: third-party CAs validate partial chains, as OpenZiti does. The leaf
// needs the clientAuth EKU and must be valid at now. One verification runs
// however many anchors there are.
func VerifyPartialChain(chain []*x509.Certificate, anchors []*x509.Certificate, now time.Time) (int, error) {
	if len(chain) == 0 {
		return -1, errors.New("no client certificate")
	}
	if len(anchors) == 0 {
		return -1, errors.New("no verified third-party CA is enabled for this use")
	}
	roots := x509.NewCertPool()
	for _, a := range anchors {
		roots.AddCert(a)
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	chains, err := chain[0].Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		return -1, err
	}
	best := -1
	for _, ch := range chains {
		end := ch[len(ch)-1]
		for i, a := range anchors {
			if (best < 0 || i < best) && end.Equal(a) {
				best = i
			}
		}
	}
	if best < 0 {
		return -1, errors.New("the verified chain ends in no registered anchor")
	}
	return best, nil
}
