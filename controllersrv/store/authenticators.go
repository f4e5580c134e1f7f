package store

import "time"

// Authenticator is a credential of an identity: a certificate (cert) or a
// username and password hash (updb).
type Authenticator struct {
	ID                string         `json:"id"`
	IdentityID        string         `json:"identityId"`
	Method            string         `json:"method"` // cert | updb
	Fingerprint       string         `json:"fingerprint,omitempty"`
	CertPEM           string         `json:"certPem,omitempty"`
	IsIssuedByNetwork bool           `json:"isIssuedByNetwork"`
	Username          string         `json:"username,omitempty"`
	PasswordHash      string         `json:"passwordHash,omitempty"`
	Tags              map[string]any `json:"tags,omitempty"`
	CreatedAt         time.Time      `json:"createdAt"`
	UpdatedAt         time.Time      `json:"updatedAt"`
}

// Authenticators stores authenticators, keeping certificate fingerprints
// and usernames unique; deleting one drops its pending extension and the
// API sessions made with it.
var Authenticators = &Kind[Authenticator]{
	Bucket: BucketAuthenticators,
	ID:     func(v *Authenticator) string { return v.ID },
	Unique: []Unique[Authenticator]{
		{Index: idxAuthFingerprint, Field: "fingerprint", List: true, Key: func(v *Authenticator) string { return v.Fingerprint }},
		{Index: idxAuthUsername, Field: "username", List: true, Key: func(v *Authenticator) string { return v.Username }},
		{Index: idxAuthIdentity, Field: "identityId", Key: func(v *Authenticator) string { return v.IdentityID + "/" + v.ID }},
	},
	BeforeDelete: func(t *Tx, v *Authenticator) error {
		if err := t.dropCertExtension(v.ID); err != nil {
			return err
		}
		return t.dropAPISessionsOf(v)
	},
}

// GetAuthenticator reads one authenticator.
func (t *Tx) GetAuthenticator(id string) (*Authenticator, error) { return Authenticators.Get(t, id) }

// AuthenticatorByFingerprint finds a cert authenticator by SHA-1 fingerprint.
func (t *Tx) AuthenticatorByFingerprint(fp string) (*Authenticator, error) {
	return Authenticators.By(t, "fingerprint", fp)
}

// AuthenticatorByUsername finds an updb authenticator by username.
func (t *Tx) AuthenticatorByUsername(username string) (*Authenticator, error) {
	return Authenticators.By(t, "username", username)
}

// UsernameTaken reports whether an updb authenticator uses username.
func (t *Tx) UsernameTaken(username string) bool {
	return t.IndexGet(idxAuthUsername, username) != ""
}

// PutAuthenticator creates or replaces an authenticator, keeping
// fingerprints and usernames unique.
func (t *Tx) PutAuthenticator(v *Authenticator) error { return Authenticators.Put(t, v) }

// DeleteAuthenticator removes an authenticator and its index entries.
func (t *Tx) DeleteAuthenticator(id string) error { return Authenticators.Delete(t, id) }

// ListAuthenticators returns every authenticator in id order.
func (t *Tx) ListAuthenticators() ([]*Authenticator, error) { return Authenticators.List(t) }

// AuthenticatorsOfIdentity lists an identity's authenticators.
func (t *Tx) AuthenticatorsOfIdentity(identityID string) ([]*Authenticator, error) {
	return ofIdentityList(t, Authenticators, idxAuthIdentity, identityID)
}
