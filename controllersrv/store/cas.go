package store

import "github.com/zitiform/terraform-provider-ziti/internal/edgewire"

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
	Named
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
}

// CAs stores third-party CAs, keeping names and certificate fingerprints
// unique; deleting one deletes the pending ottca enrollments of the CA.
var CAs = &Kind[CA]{
	Bucket: BucketCAs,
	ID:     NamedID[CA],
	Unique: []Unique[CA]{
		NameIndex[CA](idxCAName),
		{Index: idxCAFingerprint, Field: "fingerprint", List: true, Total: true, Key: func(v *CA) string { return v.Fingerprint }},
	},
	BeforeDelete: func(t *Tx, v *CA) error {
		// Pending ottca enrollments for this CA can never complete.
		es, err := t.ListEnrollments()
		if err != nil {
			return err
		}
		for _, e := range es {
			if e.Method == edgewire.MethodOTTCA && e.CAID != nil && *e.CAID == v.ID {
				if err := t.DeleteEnrollment(e.ID); err != nil {
					return err
				}
			}
		}
		return nil
	},
}

// GetCA reads one CA.
func (t *Tx) GetCA(id string) (*CA, error) { return CAs.Get(t, id) }

// PutCA creates or replaces a CA, keeping names and certificate
// fingerprints unique.
func (t *Tx) PutCA(v *CA) error { return CAs.Put(t, v) }

// DeleteCA removes a CA and its index entries.
func (t *Tx) DeleteCA(id string) error { return CAs.Delete(t, id) }

// ListCAs returns every CA in id order.
func (t *Tx) ListCAs() ([]*CA, error) { return CAs.List(t) }

// CAIDByFingerprint returns the id of the CA with this certificate
// fingerprint, or "".
func (t *Tx) CAIDByFingerprint(fp string) string { return t.IndexGet(idxCAFingerprint, fp) }

// CAIDByName returns the id of the CA with this name, or "".
func (t *Tx) CAIDByName(name string) string { return t.IndexGet(idxCAName, name) }
