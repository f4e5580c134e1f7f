package api

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/claims"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/filter"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/jwtsign"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Error codes of the CA endpoints.
const (
	CodeCAAlreadyVerified    = "CA_ALREADY_VERIFIED"
	CodeInvalidCommonName    = "INVALID_COMMON_NAME"
	CodeCertFailedValidation = "CERT_FAILED_VALIDATION"
	CodeCertInUse            = "CERT_IN_USE"
)

// DefaultIdentityNameFormat names auto-enrolled identities when the CA
// does not say otherwise (OpenZiti's default).
const DefaultIdentityNameFormat = "[caName]-[commonName]"

// Name format placeholders.
var (
	namePlaceholders = []string{"[caName]", "[caId]", "[commonName]", "[requestedName]", "[identityId]"}
	placeholderRE    = regexp.MustCompile(`\[[^\[\]]*\]`)
)

var caFilterable = []string{"id", "name", "fingerprint", "isVerified", "isAutoCaEnrollmentEnabled", "isOttCaEnrollmentEnabled", "isAuthEnabled", "identityNameFormat", "identityRoles", "createdAt", "updatedAt"}

func caFields(v *store.CA) filter.Fields {
	return func(name string) (any, bool) {
		switch name {
		case "id":
			return v.ID, true
		case "name":
			return v.Name, true
		case "fingerprint":
			return v.Fingerprint, true
		case "isVerified":
			return v.IsVerified, true
		case "isAutoCaEnrollmentEnabled":
			return v.IsAutoCaEnrollmentEnabled, true
		case "isOttCaEnrollmentEnabled":
			return v.IsOttCaEnrollmentEnabled, true
		case "isAuthEnabled":
			return v.IsAuthEnabled, true
		case "identityNameFormat":
			return v.IdentityNameFormat, true
		case "identityRoles":
			return v.IdentityRoles, true
		case "createdAt":
			return v.CreatedAt.UTC().Format(time.RFC3339Nano), true
		case "updatedAt":
			return v.UpdatedAt.UTC().Format(time.RFC3339Nano), true
		}
		return tagField(v.Tags, name)
	}
}

// caInput is the body of create, PUT and PATCH. certPem is read on create
// only: the certificate of a CA never changes (PUT bodies that echo it back
// are accepted and the value ignored).
type caInput struct {
	Name                      *string                `json:"name"`
	CertPEM                   *string                `json:"certPem"`
	IsAutoCaEnrollmentEnabled *bool                  `json:"isAutoCaEnrollmentEnabled"`
	IsOttCaEnrollmentEnabled  *bool                  `json:"isOttCaEnrollmentEnabled"`
	IsAuthEnabled             *bool                  `json:"isAuthEnabled"`
	IdentityRoles             *[]string              `json:"identityRoles"`
	IdentityNameFormat        *string                `json:"identityNameFormat"`
	ExternalIDClaim           *store.ExternalIDClaim `json:"externalIdClaim"`
	Tags                      map[string]any         `json:"tags"`
}

func (in *caInput) apply(v *store.CA, present map[string]bool, patch bool) error {
	has := func(k string) bool { return !patch || present[k] }
	if has("name") {
		if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
			return FieldInvalid("name", nil, "must be a non-empty string")
		}
		if len(*in.Name) > 255 {
			return FieldInvalid("name", nil, "must be at most 255 characters")
		}
		v.Name = *in.Name
	}
	if has("isAutoCaEnrollmentEnabled") {
		v.IsAutoCaEnrollmentEnabled = in.IsAutoCaEnrollmentEnabled != nil && *in.IsAutoCaEnrollmentEnabled
	}
	if has("isOttCaEnrollmentEnabled") {
		v.IsOttCaEnrollmentEnabled = in.IsOttCaEnrollmentEnabled != nil && *in.IsOttCaEnrollmentEnabled
	}
	if has("isAuthEnabled") {
		v.IsAuthEnabled = in.IsAuthEnabled != nil && *in.IsAuthEnabled
	}
	if has("identityRoles") {
		v.IdentityRoles = []string{}
		if in.IdentityRoles != nil {
			for _, r := range *in.IdentityRoles {
				if strings.TrimSpace(r) == "" {
					return FieldInvalid("identityRoles", r, "roles must be non-empty strings")
				}
			}
			v.IdentityRoles = append(v.IdentityRoles, *in.IdentityRoles...)
		}
	}
	if has("identityNameFormat") {
		v.IdentityNameFormat = DefaultIdentityNameFormat
		if in.IdentityNameFormat != nil && strings.TrimSpace(*in.IdentityNameFormat) != "" {
			f := *in.IdentityNameFormat
			for _, p := range placeholderRE.FindAllString(f, -1) {
				if !in2(p, namePlaceholders) {
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
			if patch && v.ExternalIDClaim != nil {
				merged := *v.ExternalIDClaim
				mergeClaim(&merged, in.ExternalIDClaim, present)
				in.ExternalIDClaim = &merged
			}
			if err := claimConfig(in.ExternalIDClaim).Validate(); err != nil {
				field, reason, _ := strings.Cut(err.Error(), ": ")
				return FieldInvalid("externalIdClaim."+field, nil, "%s", reason)
			}
			c := *in.ExternalIDClaim
			v.ExternalIDClaim = &c
		}
	}
	if has("tags") {
		if err := checkTags("tags", in.Tags); err != nil {
			return err
		}
		v.Tags = in.Tags
	}
	return nil
}

// mergeClaim applies a PATCH of externalIdClaim: only sent sub-fields
// change. present has the top-level keys only, so re-decode is not
// possible here; non-nil fields of p win.
func mergeClaim(dst, p *store.ExternalIDClaim, _ map[string]bool) {
	if p.Location != nil {
		dst.Location = p.Location
	}
	if p.Matcher != nil {
		dst.Matcher = p.Matcher
	}
	if p.MatcherCriteria != nil {
		dst.MatcherCriteria = p.MatcherCriteria
	}
	if p.Parser != nil {
		dst.Parser = p.Parser
	}
	if p.ParserCriteria != nil {
		dst.ParserCriteria = p.ParserCriteria
	}
	if p.Index != nil {
		dst.Index = p.Index
	}
}

// claimConfig converts the stored claim to the claims package's config.
func claimConfig(c *store.ExternalIDClaim) claims.Config {
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

func in2(s string, set []string) bool {
	for _, x := range set {
		if x == s {
			return true
		}
	}
	return false
}

// parseCACertPEM checks a CA's certPem: one or more CERTIFICATE blocks,
// every one a CA (basicConstraints CA:TRUE). The first is the CA itself.
func parseCACertPEM(s string) ([]*x509.Certificate, error) {
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
	}
	return certs, nil
}

// listCAs serves GET /cas.
var listCAs = listEntities(caFilterable, store.BucketCAs, caFields,
	func(_ *Ctx, _ *store.Tx, v *store.CA) (any, error) { return caDetail(v), nil })

func createCA(c *Ctx) error {
	var in caInput
	keys, err := c.decodeWithKeys(&in)
	if err != nil {
		return err
	}
	if in.Name == nil {
		return FieldInvalid("name", nil, "is required")
	}
	if in.CertPEM == nil {
		return FieldInvalid("certPem", nil, "is required: the PEM of the CA certificate")
	}
	certs, err := parseCACertPEM(*in.CertPEM)
	if err != nil {
		return err
	}
	now := c.API.now()
	v := &store.CA{Named: store.Named{ID: auth.RandomID(), CreatedAt: now, UpdatedAt: now}, CertPEM: *in.CertPEM, Fingerprint: pki.FingerprintSHA1(certs[0]),
		VerificationToken: auth.UUID()}
	if err := in.apply(v, keys, false); err != nil {
		return err
	}
	err = c.API.DB.Update(func(tx *store.Tx) error {
		if id := tx.CAIDByFingerprint(v.Fingerprint); id != "" {
			return &Error{Status: http.StatusConflict, Code: CodeCertInUse,
				Message: fmt.Sprintf("this CA certificate (fingerprint %s) is already registered as CA %s", v.Fingerprint, id),
				Cause:   &FieldError{Field: "certPem", Reason: "duplicate certificate", Value: v.Fingerprint}}
		}
		return tx.PutCA(v) // a name in use is a ConflictError from the name index
	})
	if err != nil {
		return err
	}
	c.API.Logger.Info("CA created", "id", v.ID, "name", v.Name, "fingerprint", v.Fingerprint, "by", c.Identity.ID)
	return c.Created("cas", v.ID)
}

func getCA(c *Ctx) error {
	id := c.R.PathValue("id")
	var d any
	err := c.API.DB.View(func(tx *store.Tx) error {
		v, err := tx.GetCA(id)
		if err != nil {
			return NotFound("CA", id)
		}
		d = caDetail(v)
		return nil
	})
	if err != nil {
		return err
	}
	return c.OK(d)
}

// updateCA serves PUT and PATCH /cas/{id}.
var updateCA = updateHandler(updateSpec[store.CA, caInput]{
	kind: "CA",
	check: func(in *caInput, _ map[string]bool, patch bool) error {
		if !patch && in.Name == nil {
			return FieldInvalid("name", nil, "is required")
		}
		return nil
	},
	get:   (*store.Tx).GetCA,
	apply: (*caInput).apply,
	put:   (*store.Tx).PutCA,
	touch: func(v *store.CA, now time.Time) { v.UpdatedAt = now },
})

func deleteCA(c *Ctx) error {
	id := c.R.PathValue("id")
	err := c.API.DB.Update(func(tx *store.Tx) error {
		if _, err := tx.GetCA(id); err != nil {
			return NotFound("CA", id)
		}
		// Pending ottca enrollments for this CA can never complete.
		es, err := tx.ListEnrollments()
		if err != nil {
			return err
		}
		for _, e := range es {
			if e.Method == "ottca" && e.CAID != nil && *e.CAID == id {
				if err := tx.DeleteEnrollment(e.ID); err != nil {
					return err
				}
			}
		}
		return tx.DeleteCA(id)
	})
	if err != nil {
		return err
	}
	return c.Empty()
}

// verifyCA accepts a PEM certificate whose CN is the CA's verification
// token, signed by the CA, valid now. Only then is the CA verified (and the
// token cleared); every other outcome changes nothing.
func verifyCA(c *Ctx) error {
	id := c.R.PathValue("id")
	body, err := c.ReadBody()
	if err != nil {
		return err
	}
	var ca *store.CA
	err = c.API.DB.View(func(tx *store.Tx) error {
		ca, err = tx.GetCA(id)
		return err
	})
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
	now := c.API.now()
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return &Error{Status: http.StatusBadRequest, Code: CodeCertFailedValidation,
			Message: fmt.Sprintf("the verification certificate is not valid now: it is valid from %s to %s", cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339)),
			Cause:   &FieldError{Field: "certificate", Reason: "outside its validity period", Value: pki.FingerprintSHA1(cert)}}
	}
	token := ca.VerificationToken
	err = c.API.DB.Update(func(tx *store.Tx) error {
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
	c.API.Logger.Info("CA verified", "id", id, "name", ca.Name, "by", c.Identity.ID)
	return c.Empty()
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

// getCAJWT returns the CA's enrollment JWT (auto CA and ottca enrollment):
// em=ca, aud ["openziti-enroller"], iss with a trailing slash, sub = jti =
// the CA id, no exp. Raw application/jwt, no envelope.
func getCAJWT(c *Ctx) error {
	id := c.R.PathValue("id")
	err := c.API.DB.View(func(tx *store.Tx) error {
		_, err := tx.GetCA(id)
		return err
	})
	if err != nil {
		return NotFound("CA", id)
	}
	tok, err := c.API.Signer.Sign(jwtsign.EnrollmentClaims{
		Issuer: c.API.IssuerURL + "/", Subject: id, ID: id, Method: "ca",
		Audience: []string{jwtsign.AudienceCA},
	})
	if err != nil {
		return err
	}
	c.W.Header().Set("Content-Type", "application/jwt")
	c.W.WriteHeader(http.StatusOK)
	_, _ = c.W.Write([]byte(tok))
	return nil
}

type caView struct {
	Base
	Name                      string                 `json:"name"`
	CertPEM                   string                 `json:"certPem"`
	Fingerprint               string                 `json:"fingerprint"`
	IsVerified                bool                   `json:"isVerified"`
	VerificationToken         string                 `json:"verificationToken,omitempty"`
	IsAutoCaEnrollmentEnabled bool                   `json:"isAutoCaEnrollmentEnabled"`
	IsOttCaEnrollmentEnabled  bool                   `json:"isOttCaEnrollmentEnabled"`
	IsAuthEnabled             bool                   `json:"isAuthEnabled"`
	IdentityRoles             []string               `json:"identityRoles"`
	IdentityNameFormat        string                 `json:"identityNameFormat"`
	ExternalIDClaim           *store.ExternalIDClaim `json:"externalIdClaim,omitempty"`
}

func caDetail(v *store.CA) *caView {
	d := &caView{
		Base: base("cas", v.ID, v.CreatedAt, v.UpdatedAt, v.Tags),
		Name: v.Name, CertPEM: v.CertPEM, Fingerprint: v.Fingerprint, IsVerified: v.IsVerified,
		VerificationToken:         v.VerificationToken,
		IsAutoCaEnrollmentEnabled: v.IsAutoCaEnrollmentEnabled, IsOttCaEnrollmentEnabled: v.IsOttCaEnrollmentEnabled,
		IsAuthEnabled: v.IsAuthEnabled, IdentityRoles: v.IdentityRoles, IdentityNameFormat: v.IdentityNameFormat,
		ExternalIDClaim: v.ExternalIDClaim,
	}
	if d.IdentityRoles == nil {
		d.IdentityRoles = []string{}
	}
	if d.IdentityNameFormat == "" {
		d.IdentityNameFormat = DefaultIdentityNameFormat
	}
	d.Links["verify"] = Link{Href: "./cas/" + v.ID + "/verify", Method: "POST"}
	d.Links["jwt"] = Link{Href: "./cas/" + v.ID + "/jwt"}
	return d
}
