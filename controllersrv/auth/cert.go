package auth

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// CertSource decides whether a client certificate chain is trusted for
// authentication. The controller's own signing CA is one source; third-party
// CAs registered through /cas are added as further sources.
type CertSource interface {
	// Name describes the source in logs.
	Name() string
	// Verify checks the chain (leaf first) at time now and returns nil if
	// this source vouches for it.
	Verify(chain []*x509.Certificate, now time.Time) error
}

// PoolSource trusts certificates that chain to a set of CA certificates used
// as trust anchors (intermediates included), with the clientAuth EKU.
type PoolSource struct {
	Label string
	Roots *x509.CertPool
}

// Name implements CertSource.
func (p *PoolSource) Name() string { return p.Label }

// Verify implements CertSource.
func (p *PoolSource) Verify(chain []*x509.Certificate, now time.Time) error {
	if len(chain) == 0 {
		return errors.New("no client certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{
		Roots: p.Roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		return fmt.Errorf("%s: %w", p.Label, err)
	}
	return nil
}
