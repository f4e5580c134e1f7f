//go:build cgo

package pkcs11key

import (
	"crypto"
	"errors"
	"fmt"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Available reports whether this build supports PKCS#11 (it needs cgo).
const Available = true

// LoadOrCreate opens the token the URI names and returns its key,
// generating one of alg when absent (after asking the token whether it
// can). The returned Key's Signer is a *Key: the caller must Close it when
// done, which ends the token session. Ref is the URI to put in the identity
// file (with the id and label filled in); created reports a new key.
func LoadOrCreate(ref string, alg pki.KeyAlgorithm) (key *enroll.Key, created bool, warnings []string, err error) {
	u, err := enroll.ParsePKCS11URI(ref)
	if err != nil {
		return nil, false, nil, err
	}
	t, err := Open(u)
	if err != nil {
		return nil, false, nil, err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, t.Close())
		}
	}()
	id, label := u.ID, []byte(u.Object)
	k, err := t.find(id, label)
	if err != nil {
		return nil, false, nil, err
	}
	if k == nil {
		if len(id) == 0 {
			if id, err = randomID(); err != nil {
				return nil, false, nil, err
			}
			u.ID = id
		}
		if len(label) == 0 {
			label = []byte(fmt.Sprintf("ziti-%x", id))
			u.Object = string(label)
		}
		if k, err = t.generate(alg, id, label); err != nil {
			return nil, false, nil, err
		}
		created = true
	} else if sens, extr, perr := k.Protection(); perr == nil && (!sens || extr) {
		warnings = append(warnings, "the existing token key is extractable or not sensitive: its private key can leave the token")
	}
	if _, err := pki.AlgorithmOf(k.Public()); err != nil {
		return nil, false, nil, fmt.Errorf("the token key: %w", err)
	}
	k.owns = true
	return &enroll.Key{Signer: k, Ref: u.String()}, created, warnings, nil
}

// Resolve is an enroll.KeyResolver for identity files whose id.key is a
// pkcs11: URI (PEM keys fall through to enroll.PEMKeys). A token key is a
// *Key that the caller must Close (enroll.CloseKey).
func Resolve(ref string) (crypto.Signer, error) {
	if !enroll.IsPKCS11(ref) {
		return enroll.PEMKeys(ref)
	}
	u, err := enroll.ParsePKCS11URI(ref)
	if err != nil {
		return nil, err
	}
	t, err := Open(u)
	if err != nil {
		return nil, err
	}
	k, err := t.find(u.ID, []byte(u.Object))
	if err == nil && k == nil {
		err = fmt.Errorf("no key on the token matches %s", u.Redacted())
	}
	if err != nil {
		return nil, errors.Join(err, t.Close())
	}
	k.owns = true
	return k, nil
}
