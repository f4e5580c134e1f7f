//go:build !cgo

package pkcs11key

import (
	"crypto"
	"errors"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Available reports whether this build supports PKCS#11 (it needs cgo).
const Available = false

var errNoCgo = errors.New("this binary was built without cgo (CGO_ENABLED=0), so it cannot use PKCS#11 tokens: build controllersrv with cgo enabled")

// LoadOrCreate is unavailable without cgo.
func LoadOrCreate(ref string, _ pki.KeyAlgorithm) (*enroll.Key, bool, []string, error) {
	if _, err := enroll.ParsePKCS11URI(ref); err != nil {
		return nil, false, nil, err
	}
	return nil, false, nil, errNoCgo
}

// Resolve handles PEM keys; PKCS#11 URIs are unavailable without cgo.
func Resolve(ref string) (crypto.Signer, error) {
	if !enroll.IsPKCS11(ref) {
		return enroll.PEMKeys(ref)
	}
	return nil, errNoCgo
}

// OpenSessions is always zero without cgo.
func OpenSessions() int { return 0 }

// OpenModules is always zero without cgo.
func OpenModules() int { return 0 }

// UnsupportedAlgorithmError is never returned without cgo.
type UnsupportedAlgorithmError struct{}

func (*UnsupportedAlgorithmError) Error() string { return errNoCgo.Error() }
