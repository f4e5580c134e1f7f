package store

import "time"

// CertExtension is a certificate issued by /extend that becomes the
// authenticator's certificate once the client proves it has it
// (/extend-verify). Until then the old certificate stays active.
type CertExtension struct {
	AuthenticatorID string    `json:"authenticatorId"`
	CertPEM         string    `json:"certPem"`
	Fingerprint     string    `json:"fingerprint"`
	CreatedAt       time.Time `json:"createdAt"`
}

// GetCertExtension reads the pending extension of an authenticator.
func (t *Tx) GetCertExtension(authenticatorID string) (*CertExtension, error) {
	var v CertExtension
	if err := t.Get(BucketCertExtensions, authenticatorID, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// PutCertExtension stores (replacing) the pending extension.
func (t *Tx) PutCertExtension(v *CertExtension) error {
	return t.Put(BucketCertExtensions, v.AuthenticatorID, v)
}

// DeleteCertExtension drops a pending extension.
func (t *Tx) DeleteCertExtension(authenticatorID string) error {
	return t.Delete(BucketCertExtensions, authenticatorID)
}

// dropCertExtension forgets a pending extension whose authenticator is
// being deleted.
func (t *Tx) dropCertExtension(authenticatorID string) error {
	return t.writable(BucketCertExtensions).Delete([]byte(authenticatorID))
}
