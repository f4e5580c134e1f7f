package auth

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// VerifyPartialChain checks a client chain (leaf first, then any
// intermediates the client sent) against each anchor in turn and returns
// the index of the first anchor it chains to. An anchor is trusted as is,
// even when it is an intermediate whose own issuer is unknown: third-party
// CAs validate partial chains (seed 004). The leaf needs the clientAuth EKU
// and must be valid at now.
func VerifyPartialChain(chain []*x509.Certificate, anchors []*x509.Certificate, now time.Time) (int, error) {
	if len(chain) == 0 {
		return -1, errors.New("no client certificate")
	}
	if len(anchors) == 0 {
		return -1, errors.New("no verified third-party CA is enabled for authentication")
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	var errs []error
	for i, a := range anchors {
		roots := x509.NewCertPool()
		roots.AddCert(a)
		_, err := chain[0].Verify(x509.VerifyOptions{
			Roots: roots, Intermediates: inter, CurrentTime: now,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		})
		if err == nil {
			return i, nil
		}
		errs = append(errs, fmt.Errorf("%q: %w", a.Subject.CommonName, err))
	}
	return -1, errors.Join(errs...)
}
