package domain

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/claims"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/jwtsign"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// DefaultIdentityNameFormat names auto-enrolled identities when the CA
// does not say otherwise (OpenZiti's default).
const DefaultIdentityNameFormat = "[caName]-[commonName]"

// Name format placeholders.
var (
	namePlaceholders = []string{"[caName]", "[caId]", "[commonName]", "[requestedName]", "[identityId]"}
	placeholderRE    = regexp.MustCompile(`\[[^\[\]]*\]`)
)

// CAInput is the body of create, PUT and PATCH /cas. certPem is read on
// create only: the certificate of a CA never changes (PUT bodies that echo
// it back are accepted and the value ignored).
type CAInput struct {
	NamedInput
	CertPEM                   *string                `json:"certPem"`
	IsAutoCaEnrollmentEnabled *bool                  `json:"isAutoCaEnrollmentEnabled"`
	IsOttCaEnrollmentEnabled  *bool                  `json:"isOttCaEnrollmentEnabled"`
	IsAuthEnabled             *bool                  `json:"isAuthEnabled"`
	IdentityRoles             *[]string              `json:"identityRoles"`
	IdentityNameFormat        *string                `json:"identityNameFormat"`
	ExternalIDClaim           *store.ExternalIDClaim `json:"externalIdClaim"`
}

// CAs are the rules of third-party CAs: a new CA needs a CA certificate
// that no other CA has, and gets a verification token.
var CAs = &Kind[store.CA, CAInput]{
	Name:  "CA",
	Store: store.CAs,
	Apply: (*CAInput).apply,
	Prepare: func(in *CAInput, c *Controller, v *store.CA) (func(*store.Tx) error, error) {
		if in.CertPEM == nil {
			return nil, FieldInvalid("certPem", nil, "is required: the PEM of the CA certificate")
		}
		if err := claimSchemeOnURI(in.ExternalIDClaim); err != nil {
			return nil, err
		}
		certs, err := parseCACertPEM(*in.CertPEM, c.now())
		if err != nil {
			return nil, err
		}
		v.CertPEM, v.Fingerprint, v.VerificationToken = *in.CertPEM, pki.FingerprintSHA1(certs[0]), auth.UUID()
		return nil, nil
	},
	Vet: func(tx *store.Tx, v *store.CA) error {
		if id := tx.CAIDByFingerprint(v.Fingerprint); id != "" {
			return &Error{Status: http.StatusConflict, Code: CodeCertInUse,
				Message: fmt.Sprintf("this CA certificate (fingerprint %s) is already registered as CA %s", v.Fingerprint, id),
				Cause:   &FieldError{Field: "certPem", Reason: "duplicate certificate", Value: v.Fingerprint}}
		}
		return nil // a name in use is a ConflictError from the name index
	},
}

func (in *CAInput) apply(v *store.CA, keys Keys, patch bool) error {
	has := func(k string) bool { return keys.Has(k, patch) }
	SetBool("isAutoCaEnrollmentEnabled", in.IsAutoCaEnrollmentEnabled, &v.IsAutoCaEnrollmentEnabled, keys, patch)
	SetBool("isOttCaEnrollmentEnabled", in.IsOttCaEnrollmentEnabled, &v.IsOttCaEnrollmentEnabled, keys, patch)
	SetBool("isAuthEnabled", in.IsAuthEnabled, &v.IsAuthEnabled, keys, patch)
	if err := SetRoles("identityRoles", "roles", in.IdentityRoles, &v.IdentityRoles, keys, patch); err != nil {
		return err
	}
	if has("identityNameFormat") {
		v.IdentityNameFormat = DefaultIdentityNameFormat
		if in.IdentityNameFormat != nil && strings.TrimSpace(*in.IdentityNameFormat) != "" {
			f := *in.IdentityNameFormat
			for _, p := range placeholderRE.FindAllString(f, -1) {
				if !slices.Contains(namePlaceholders, p) {
					return FieldInvalid("identityNameFormat", f, "unknown placeholder %s: use %s", p, strings.Join(namePlaceholders, ", "))
				}
			}
			v.IdentityNameFormat = f
		}
	}
	if has("externalIdClaim") {
		if in.ExternalIDClaim == nil {
			v.ExternalIDClaim = nil
		} else {
			if !patch {
				if err := claimComplete(in.ExternalIDClaim); err != nil {
					return err
				}
			}
			if patch && v.ExternalIDClaim != nil {
				merged := *v.ExternalIDClaim
				mergeClaim(&merged, in.ExternalIDClaim)
				in.ExternalIDClaim = &merged
			}
			if err := ClaimConfig(in.ExternalIDClaim).Validate(); err != nil {
				field, reason, _ := strings.Cut(err.Error(), ": ")
				return FieldInvalid("externalIdClaim."+field, nil, "%s", reason)
			}
			c := *in.ExternalIDClaim
			v.ExternalIDClaim = &c
		}
	}
	return nil
}

// claimComplete refuses a create or PUT externalIdClaim that leaves a
// field out, as OpenZiti's specification does (all six are required; ""
// and 0 are values), in the order and with the answer OpenZiti gives.
func claimComplete(c *store.ExternalIDClaim) error {
	for _, f := range []struct {
		name    string
		missing bool
	}{
		{"index", c.Index == nil}, {"location", c.Location == nil}, {"matcher", c.Matcher == nil},
		{"matcherCriteria", c.MatcherCriteria == nil}, {"parser", c.Parser == nil}, {"parserCriteria", c.ParserCriteria == nil},
	} {
		if f.missing {
			field := "externalIdClaim." + f.name
			return &Error{Status: http.StatusBadRequest, Code: CodeCouldNotValidate, Message: specInvalidMessage,
				Cause: &FieldError{Field: field, Reason: field + " in body is required"}}
		}
	}
	return nil
}

// specInvalidMessage is OpenZiti's message for a body its specification
// refuses.
const specInvalidMessage = "The supplied request contains an invalid document or no valid accept content were available, see cause"

// claimSchemeOnURI refuses, when a CA is created, a SCHEME matcher
// anywhere but SAN_URI, with OpenZiti's answer (its code is
// REFERENCED_ENTITY_NOT_FOUND). OpenZiti accepts it in an update.
func claimSchemeOnURI(c *store.ExternalIDClaim) error {
	if c == nil || c.Matcher == nil || *c.Matcher != claims.MatcherScheme || (c.Location != nil && *c.Location == claims.LocationSANURI) {
		return nil
	}
	return &Error{Status: http.StatusBadRequest, Code: CodeReferenceNotFound,
		Message: "the value 'SCHEME' for 'matcher' is invalid: scheme matcher can only be used with URI locations",
		Cause:   &FieldError{Field: "externalIdClaim.matcher", Reason: "scheme matcher can only be used with URI locations", Value: claims.MatcherScheme}}
}

// mergeClaim applies a PATCH of externalIdClaim: only sent sub-fields
// change (the keys of a body are its top-level keys only, so non-nil
// fields of p win).
func mergeClaim(dst, p *store.ExternalIDClaim) {
	for _, f := range []struct{ dst, p **string }{
		{&dst.Location, &p.Location}, {&dst.Matcher, &p.Matcher}, {&dst.MatcherCriteria, &p.MatcherCriteria},
		{&dst.Parser, &p.Parser}, {&dst.ParserCriteria, &p.ParserCriteria},
	} {
		if *f.p != nil {
			*f.dst = *f.p
		}
	}
	if p.Index != nil {
		dst.Index = p.Index
	}
}

// ClaimConfig converts the stored claim to the claims package's config.
func ClaimConfig(c *store.ExternalIDClaim) claims.Config {
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	cfg := claims.Config{Location: s(c.Location), Matcher: s(c.Matcher), MatcherCriteria: s(c.MatcherCriteria),
		Parser: s(c.Parser), ParserCriteria: s(c.ParserCriteria)}
	if c.Index != nil {
		cfg.Index = *c.Index
	}
	return cfg
}

// parseCACertPEM checks a CA's certPem: one or more CERTIFICATE blocks,
// every one a CA (basicConstraints CA:TRUE). The first is the CA itself.
func parseCACertPEM(s string, now time.Time) ([]*x509.Certificate, error) {
	if strings.TrimSpace(s) == "" {
		return nil, FieldInvalid("certPem", nil, "is required: the PEM of the CA certificate (-----BEGIN CERTIFICATE-----)")
	}
	certs, err := pki.ParseCertsPEM([]byte(s))
	if err != nil {
		return nil, FieldInvalid("certPem", nil, "%v", err)
	}
	for i, c := range certs {
		if !c.BasicConstraintsValid || !c.IsCA {
			return nil, FieldInvalid("certPem", nil, "certificate %d (%q) is not a CA certificate (basicConstraints CA:TRUE is missing): register the certificate of the CA that issues your client certificates, not a leaf", i+1, c.Subject.CommonName)
		}
		// The same rules as certificate requests: a CA that expired or
		// has a key too weak to trust would only ever refuse, or be forged.
		if now.After(c.NotAfter) {
			return nil, FieldInvalid("certPem", nil, "certificate %d (%q) expired at %s: register a CA certificate that is valid now", i+1, c.Subject.CommonName, c.NotAfter.UTC().Format(time.RFC3339))
		}
		if k, ok := c.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < pki.MinRSABits {
			return nil, FieldInvalid("certPem", nil, "certificate %d (%q) has a %d-bit RSA key: at least %d bits are required", i+1, c.Subject.CommonName, k.N.BitLen(), pki.MinRSABits)
		}
	}
	return certs, nil
}

// VerifyCA verifies the CA id with a PEM certificate (body) whose CN is the
// CA's verification token, signed by the CA, valid now. Only then is the
// CA verified (and the token cleared); every other outcome changes nothing.
func (c *Controller) VerifyCA(id string, body []byte) error {
	ca, err := store.Read(c.DB, func(tx *store.Tx) (*store.CA, error) { return tx.GetCA(id) })
	if err != nil {
		return NotFound("CA", id)
	}
	if ca.IsVerified {
		return Errorf(http.StatusConflict, CodeCAAlreadyVerified, "the CA %q is already verified", ca.Name)
	}
	cert, err := parseVerificationCert(body)
	if err != nil {
		return err
	}
	caCerts, err := pki.ParseCertsPEM([]byte(ca.CertPEM))
	if err != nil {
		return err // stored PEM was checked on create: unexpected
	}
	if cert.Subject.CommonName != ca.VerificationToken {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidCommonName,
			Message: fmt.Sprintf("the verification certificate's common name %q is not the CA's verificationToken: issue a certificate with CN set to the verificationToken shown on the CA", cert.Subject.CommonName),
			Cause:   &FieldError{Field: "certificate", Reason: "common name does not match the verification token", Value: cert.Subject.CommonName}}
	}
	if err := cert.CheckSignatureFrom(caCerts[0]); err != nil {
		return &Error{Status: http.StatusBadRequest, Code: CodeCertFailedValidation,
			Message: fmt.Sprintf("the verification certificate is not signed by the CA %q (%s): sign it with that CA's private key", ca.Name, caCerts[0].Subject.CommonName),
			Cause:   &FieldError{Field: "certificate", Reason: "not signed by the CA", Value: pki.FingerprintSHA1(cert)}}
	}
	now := c.now()
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return &Error{Status: http.StatusBadRequest, Code: CodeCertFailedValidation,
			Message: fmt.Sprintf("the verification certificate is not valid now: it is valid from %s to %s", cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339)),
			Cause:   &FieldError{Field: "certificate", Reason: "outside its validity period", Value: pki.FingerprintSHA1(cert)}}
	}
	token := ca.VerificationToken
	err = c.DB.Update(func(tx *store.Tx) error {
		v, err := tx.GetCA(id)
		if err != nil {
			return NotFound("CA", id)
		}
		// Decide again inside the write transaction: of concurrent
		// verifications exactly one succeeds.
		if v.IsVerified || v.VerificationToken != token {
			return Errorf(http.StatusConflict, CodeCAAlreadyVerified, "the CA %q is already verified", v.Name)
		}
		v.IsVerified, v.VerificationToken, v.UpdatedAt = true, "", now
		return tx.PutCA(v)
	})
	if err != nil {
		return err
	}
	c.logger().Info("CA verified", "id", id, "name", ca.Name)
	return nil
}

// parseVerificationCert reads exactly one PEM CERTIFICATE block.
func parseVerificationCert(body []byte) (*x509.Certificate, error) {
	bad := func(format string, args ...any) error {
		reason := fmt.Sprintf(format, args...)
		return &Error{Status: http.StatusBadRequest, Code: CodeCouldNotValidate,
			Message: "the verification certificate is invalid: " + reason,
			Cause:   &FieldError{Field: "certificate", Reason: reason}}
	}
	s := strings.TrimSpace(string(body))
	if strings.HasPrefix(s, `"`) {
		// Some generated clients send the text/plain body as a JSON string.
		var js string
		if json.Unmarshal([]byte(s), &js) == nil {
			s = strings.TrimSpace(js)
		}
	}
	if s == "" {
		return nil, bad("the body is empty: send the PEM certificate (Content-Type: text/plain)")
	}
	block, rest := pem.Decode([]byte(s))
	if block == nil {
		return nil, bad("the body is not PEM: expect -----BEGIN CERTIFICATE-----")
	}
	if block.Type != "CERTIFICATE" {
		return nil, bad("the PEM block is %q, expect CERTIFICATE", block.Type)
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return nil, bad("send exactly one certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, bad("%v", err)
	}
	return cert, nil
}

// CAJWT is the enrollment JWT of the CA id (auto CA and ottca
// enrollment): em=ca, aud ["openziti-enroller"], iss with a trailing
// slash, sub = jti = the CA id, no exp.
func (c *Controller) CAJWT(id string) (string, error) {
	if _, err := store.Read(c.DB, func(tx *store.Tx) (*store.CA, error) { return tx.GetCA(id) }); err != nil {
		return "", NotFound("CA", id)
	}
	return c.Signer.Sign(jwtsign.EnrollmentClaims{
		Issuer: c.IssuerURL + "/", Subject: id, ID: id, Method: "ca",
		Audience: []string{jwtsign.AudienceCA},
	})
}
