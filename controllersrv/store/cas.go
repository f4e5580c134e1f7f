package store

import "time"

// ExternalIDClaim says how to pull an identity's externalId out of a client
// certificate issued by a third-party CA. Nil fields take the defaults
// COMMON_NAME, ALL, "", NONE, "", 0.
type ExternalIDClaim struct {
	Location        *string `json:"location"`
	Matcher         *string `json:"matcher"`
	MatcherCriteria *string `json:"matcherCriteria"`
	Parser          *string `json:"parser"`
	ParserCriteria  *string `json:"parserCriteria"`
	Index           *int64  `json:"index"`
}

// CA is a third-party certificate authority registered through /cas.
type CA struct {
	ID                        string           `json:"id"`
	Name                      string           `json:"name"`
	CertPEM                   string           `json:"certPem"` // byte-for-byte as sent
	Fingerprint               string           `json:"fingerprint"`
	IsVerified                bool             `json:"isVerified"`
	VerificationToken         string           `json:"verificationToken"`
	IsAutoCaEnrollmentEnabled bool             `json:"isAutoCaEnrollmentEnabled"`
	IsOttCaEnrollmentEnabled  bool             `json:"isOttCaEnrollmentEnabled"`
	IsAuthEnabled             bool             `json:"isAuthEnabled"`
	IdentityRoles             []string         `json:"identityRoles"`
	IdentityNameFormat        string           `json:"identityNameFormat"`
	ExternalIDClaim           *ExternalIDClaim `json:"externalIdClaim"`
	Tags                      map[string]any   `json:"tags"`
	CreatedAt                 time.Time        `json:"createdAt"`
	UpdatedAt                 time.Time        `json:"updatedAt"`
}

// GetCA reads one CA.
func (t *Tx) GetCA(id string) (*CA, error) {
	var v CA
	if err := t.Get(BucketCAs, id, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// PutCA creates or replaces a CA, keeping names and certificate
// fingerprints unique.
func (t *Tx) PutCA(v *CA) error {
	if old, err := t.GetCA(v.ID); err == nil {
		if old.Name != v.Name {
			if err := t.IndexRelease(idxCAName, old.Name, v.ID); err != nil {
				return err
			}
		}
		if old.Fingerprint != v.Fingerprint {
			if err := t.IndexRelease(idxCAFingerprint, old.Fingerprint, v.ID); err != nil {
				return err
			}
		}
	}
	if err := t.IndexClaim(idxCAName, "name", v.Name, v.ID); err != nil {
		return err
	}
	if err := t.IndexClaim(idxCAFingerprint, "fingerprint", v.Fingerprint, v.ID); err != nil {
		return err
	}
	return t.Put(BucketCAs, v.ID, v)
}

// DeleteCA removes a CA and its index entries.
func (t *Tx) DeleteCA(id string) error {
	v, err := t.GetCA(id)
	if err != nil {
		return err
	}
	if err := t.IndexRelease(idxCAName, v.Name, id); err != nil {
		return err
	}
	if err := t.IndexRelease(idxCAFingerprint, v.Fingerprint, id); err != nil {
		return err
	}
	return t.Delete(BucketCAs, id)
}

// ListCAs returns every CA in id order.
func (t *Tx) ListCAs() ([]*CA, error) { return List[CA](t, BucketCAs) }

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

// CAIDByFingerprint returns the id of the CA with this certificate
// fingerprint, or "".
func (t *Tx) CAIDByFingerprint(fp string) string { return t.IndexGet(idxCAFingerprint, fp) }

// CAIDByName returns the id of the CA with this name, or "".
func (t *Tx) CAIDByName(name string) string { return t.IndexGet(idxCAName, name) }

// dropCertExtension forgets a pending extension whose authenticator is
// being deleted.
func (t *Tx) dropCertExtension(authenticatorID string) error {
	return t.writable(BucketCertExtensions).Delete([]byte(authenticatorID))
}
