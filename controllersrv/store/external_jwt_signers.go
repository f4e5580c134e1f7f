package store

import "time"

// ExternalJWTSigner is a stored external JWT signer: an issuer whose JWTs
// authenticate identities (method=ext-jwt), verified with the certificate
// in CertPEM or the keys at JwksEndpoint. JSON names follow the Edge API.
type ExternalJWTSigner struct {
	Named
	Enabled         bool     `json:"enabled"`
	Issuer          string   `json:"issuer"`
	Audience        string   `json:"audience"`
	CertPEM         *string  `json:"certPem"`
	JwksEndpoint    *string  `json:"jwksEndpoint"`
	Kid             *string  `json:"kid"`
	ClaimsProperty  string   `json:"claimsProperty"`
	UseExternalID   bool     `json:"useExternalId"`
	ExternalAuthURL *string  `json:"externalAuthUrl"`
	ClientID        *string  `json:"clientId"`
	Scopes          []string `json:"scopes"`
	TargetToken     string   `json:"targetToken"`
	// Of CertPEM's certificate, when there is one.
	CommonName  string     `json:"commonName"`
	Fingerprint *string    `json:"fingerprint"`
	NotBefore   *time.Time `json:"notBefore"`
	NotAfter    *time.Time `json:"notAfter"`
}

// ExternalJWTSigners stores external JWT signers, keeping names, issuers,
// kids and certificate fingerprints unique (a JWT finds its signer by
// issuer). A signer an auth policy names cannot be deleted.
var ExternalJWTSigners = &Kind[ExternalJWTSigner]{
	Bucket: BucketExtJWTSigners,
	ID:     NamedID[ExternalJWTSigner],
	Unique: []Unique[ExternalJWTSigner]{
		NameIndex[ExternalJWTSigner](idxExtJWTSignerName),
		{Index: idxExtJWTSignerIssuer, Field: "issuer", List: true, Total: true, Key: func(v *ExternalJWTSigner) string { return v.Issuer }},
		{Index: idxExtJWTSignerKid, Field: "kid", List: true, Key: func(v *ExternalJWTSigner) string { return deref(v.Kid) }},
		{Index: idxExtJWTSignerFingerprint, Field: "fingerprint", List: true, Key: func(v *ExternalJWTSigner) string { return deref(v.Fingerprint) }},
	},
	BeforeDelete: func(t *Tx, v *ExternalJWTSigner) error {
		ids, err := t.AuthPoliciesUsing(v.ID)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			return &ReferencedError{Field: "primary.extJwt.allowedSigners", By: "auth policy", IDs: ids}
		}
		return nil
	},
}
