package domain

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"net/http"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// NewEnrollment makes a token and its signed JWT (outside any transaction:
// signing is the expensive part).
func (c *Controller) NewEnrollment(identityID, method string, expires time.Time, caID, username *string) (*store.Enrollment, error) {
	now := c.now()
	e := &store.Enrollment{
		ID: auth.RandomID(), Method: method, IdentityID: identityID, Token: auth.UUID(),
		ExpiresAt: expires.UTC().Truncate(time.Second), CAID: caID, Username: username, CreatedAt: now, UpdatedAt: now,
	}
	jwt, err := c.Signer.Enrollment(c.IssuerURL, identityID, e.Token, method, e.ExpiresAt)
	if err != nil {
		return nil, err
	}
	e.JWT = jwt
	return e, nil
}

// LookupCA resolves a third-party CA id (of an ottca enrollment) to its name.
func LookupCA(tx *store.Tx, id string) (name string, ok bool) {
	ca, err := tx.GetCA(id)
	if err != nil {
		return "", false
	}
	return ca.Name, true
}

// CheckEnrollmentRefs validates an enrollment against the database: one
// pending enrollment per method per identity, a free username, a known CA.
// An identity that already has a certificate may get another ott or ottca
// enrollment, as OpenZiti allows: enrolling adds a second certificate
// authenticator beside the first.
func CheckEnrollmentRefs(tx *store.Tx, e *store.Enrollment) error {
	existing, err := tx.EnrollmentsOfIdentity(e.IdentityID)
	if err != nil {
		return err
	}
	for _, x := range existing {
		if x.Method == e.Method && x.ID != e.ID {
			return &Error{Status: http.StatusConflict, Code: CodeConflict,
				Message: "the identity already has a pending " + e.Method + " enrollment (" + x.ID + "): delete it or refresh it",
				Cause:   &FieldError{Field: "method", Reason: "enrollment exists", Value: e.Method}}
		}
	}
	as, err := tx.AuthenticatorsOfIdentity(e.IdentityID)
	if err != nil {
		return err
	}
	for _, au := range as {
		if e.Method == edgewire.MethodUPDB && au.Method == "updb" {
			return &Error{Status: http.StatusConflict, Code: CodeConflict,
				Message: "the identity already has a " + au.Method + " authenticator: delete it before enrolling again",
				Cause:   &FieldError{Field: "method", Reason: "authenticator exists", Value: e.Method}}
		}
	}
	switch e.Method {
	case edgewire.MethodUPDB:
		if e.Username == nil || *e.Username == "" {
			return FieldInvalid("username", nil, "is required for updb enrollments")
		}
		if tx.UsernameTaken(*e.Username) {
			return &Error{Status: http.StatusConflict, Code: CodeConflict, Message: "the username " + quote(*e.Username) + " is already in use",
				Cause: &FieldError{Field: "username", Reason: "duplicate value", Value: *e.Username}}
		}
		others, _ := tx.ListEnrollments()
		for _, other := range others {
			if other.Method == edgewire.MethodUPDB && other.Username != nil && *other.Username == *e.Username && other.ID != e.ID {
				return &Error{Status: http.StatusConflict, Code: CodeConflict, Message: "the username " + quote(*e.Username) + " is already reserved by a pending enrollment",
					Cause: &FieldError{Field: "username", Reason: "duplicate value", Value: *e.Username}}
			}
		}
	case edgewire.MethodOTTCA:
		if e.CAID == nil || *e.CAID == "" {
			return FieldInvalid("caId", nil, "is required for ottca enrollments")
		}
		if _, ok := LookupCA(tx, *e.CAID); !ok {
			return &Error{Status: http.StatusBadRequest, Code: CodeReferenceNotFound, Message: "CA " + quote(*e.CAID) + " was not found",
				Cause: &FieldError{Field: "caId", Reason: "not found", Value: *e.CAID}}
		}
	}
	return nil
}

// EnrollmentInput is the body of POST /enrollments.
type EnrollmentInput struct {
	Method     *string    `json:"method"`
	IdentityID *string    `json:"identityId"`
	ExpiresAt  *time.Time `json:"expiresAt"`
	CAID       *string    `json:"caId"`
	Username   *string    `json:"username"`
}

// CreateEnrollment makes a pending enrollment of an identity.
func (c *Controller) CreateEnrollment(in *EnrollmentInput) (*store.Enrollment, error) {
	if in.Method == nil {
		return nil, FieldInvalid("method", nil, "is required: ott, ottca or updb")
	}
	switch *in.Method {
	case edgewire.MethodOTT, edgewire.MethodOTTCA, edgewire.MethodUPDB:
	default:
		return nil, FieldInvalid("method", *in.Method, "must be ott, ottca or updb")
	}
	if in.IdentityID == nil || *in.IdentityID == "" {
		return nil, FieldInvalid("identityId", nil, "is required")
	}
	now := c.now()
	exp := now.Add(c.EnrollmentDuration)
	if in.ExpiresAt != nil {
		exp = *in.ExpiresAt
		if err := checkEnrollmentExpiry(exp, now); err != nil {
			return nil, err
		}
	}
	var caID, username *string
	if *in.Method == edgewire.MethodOTTCA {
		caID = in.CAID
	}
	if *in.Method == edgewire.MethodUPDB {
		username = in.Username
	}
	e, err := c.NewEnrollment(*in.IdentityID, *in.Method, exp, caID, username)
	if err != nil {
		return nil, err
	}
	err = c.DB.Update(func(tx *store.Tx) error {
		if _, err := tx.GetIdentity(e.IdentityID); err != nil {
			return &Error{Status: http.StatusBadRequest, Code: CodeReferenceNotFound, Message: "identity " + quote(e.IdentityID) + " was not found",
				Cause: &FieldError{Field: "identityId", Reason: "not found", Value: e.IdentityID}}
		}
		if err := CheckEnrollmentRefs(tx, e); err != nil {
			return err
		}
		return tx.PutEnrollment(e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// DeleteEnrollment removes a pending enrollment.
func (c *Controller) DeleteEnrollment(id string) error {
	return c.DB.Update(func(tx *store.Tx) error {
		if err := tx.DeleteEnrollment(id); err != nil {
			return NotFound("enrollment", id)
		}
		return nil
	})
}

// RefreshEnrollment gives an enrollment a new token and JWT that expire at
// expiresAt (the old token stops working).
func (c *Controller) RefreshEnrollment(id string, expiresAt *time.Time) error {
	now := c.now()
	if expiresAt == nil {
		return FieldInvalid("expiresAt", nil, "is required (RFC 3339)")
	}
	if err := checkEnrollmentExpiry(*expiresAt, now); err != nil {
		return err
	}
	cur, err := store.Read(c.DB, func(tx *store.Tx) (*store.Enrollment, error) { return tx.GetEnrollment(id) })
	if err != nil {
		return NotFound("enrollment", id)
	}
	subject := cur.IdentityID
	if subject == "" {
		subject = cur.RouterID
	}
	token := auth.UUID()
	exp := expiresAt.UTC().Truncate(time.Second)
	jwt, err := c.Signer.Enrollment(c.IssuerURL, subject, token, cur.Method, exp)
	if err != nil {
		return err
	}
	return c.DB.Update(func(tx *store.Tx) error {
		e, err := tx.GetEnrollment(id)
		if err != nil {
			return NotFound("enrollment", id)
		}
		e.Token, e.JWT, e.ExpiresAt, e.UpdatedAt = token, jwt, exp, now
		return tx.PutEnrollment(e)
	})
}

// FindEnrollment looks up a token for method without changing anything:
// unknown or consumed tokens, the wrong method and expiry are refused.
func (c *Controller) FindEnrollment(token, method string) (*store.Enrollment, error) {
	if token == "" {
		return nil, FieldInvalid("token", nil, "is required: pass ?token=<jti of the enrollment JWT>")
	}
	e, err := store.Read(c.DB, func(tx *store.Tx) (*store.Enrollment, error) { return tx.EnrollmentByToken(token) })
	if err != nil {
		return nil, invalidToken()
	}
	return e, c.checkUsable(e, method)
}

func invalidToken() error {
	return Errorf(http.StatusBadRequest, CodeInvalidEnrollToken, "the enrollment token is unknown or has already been used")
}

func (c *Controller) checkUsable(e *store.Enrollment, method string) error {
	if e.Method != method {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidEnrollMethod,
			Message: "this token is for method " + quote(e.Method) + ", not " + quote(method),
			Cause:   &FieldError{Field: "method", Reason: "does not match the token", Value: method}}
	}
	if !c.now().Before(e.ExpiresAt) {
		return Errorf(http.StatusGone, CodeEnrollmentExpired, "the enrollment token expired at %s: ask an administrator to refresh it", e.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"))
	}
	return nil
}

// ConsumeEnrollment deletes the enrollment for token and stores the new
// authenticator in one write transaction, so that of any number of
// concurrent requests with one token exactly one succeeds.
func (c *Controller) ConsumeEnrollment(token, method string, au *store.Authenticator) error {
	return c.DB.Update(func(tx *store.Tx) error {
		e, err := tx.EnrollmentByToken(token)
		if err != nil {
			return invalidToken()
		}
		if err := c.checkUsable(e, method); err != nil {
			return err
		}
		if _, err := tx.GetIdentity(e.IdentityID); err != nil {
			return invalidToken()
		}
		if err := tx.DeleteEnrollment(e.ID); err != nil {
			return err
		}
		au.IdentityID = e.IdentityID
		return tx.PutAuthenticator(au)
	})
}

// SignClientCert issues an identity certificate from the signing CA:
// clientAuth EKU, subject CN = the identity id (as OpenZiti does).
func (c *Controller) SignClientCert(identityID string, csr *x509.CertificateRequest) (*pki.Issued, error) {
	return pki.Issue(pki.Request{
		Kind:     pki.KindClient,
		Subject:  pkix.Name{CommonName: identityID},
		Validity: c.ClientCertValidity,
	}, csr.PublicKey, nil, c.SigningCA)
}

// EnrollOTT completes the ott enrollment e (found by FindEnrollment):
// signs the CSR for its identity and stores the certificate as the
// identity's authenticator, consuming the token. It returns the issued
// certificate with its chain.
func (c *Controller) EnrollOTT(token string, e *store.Enrollment, csr *x509.CertificateRequest) (*pki.Issued, error) {
	issued, err := c.SignClientCert(e.IdentityID, csr)
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, CodeCouldNotProcessCSR, "could not sign the certificate request: %v", err)
	}
	now := c.now()
	au := &store.Authenticator{
		ID: auth.RandomID(), Method: "cert", Fingerprint: pki.FingerprintSHA1(issued.Cert),
		CertPEM: string(pki.EncodeCertsPEM(issued.Cert)), IsIssuedByNetwork: true, CreatedAt: now, UpdatedAt: now,
	}
	if err := c.ConsumeEnrollment(token, edgewire.MethodOTT, au); err != nil {
		return nil, err
	}
	c.logger().Info("identity enrolled", "identity", au.IdentityID, "method", edgewire.MethodOTT, "fingerprint", au.Fingerprint)
	return issued, nil
}

// EnrollUPDB completes an updb enrollment of the enrollment e (found by
// FindEnrollment): username must be empty or the enrollment's; the
// password becomes the identity's updb authenticator.
func (c *Controller) EnrollUPDB(token string, e *store.Enrollment, username, password string) error {
	want := ""
	if e.Username != nil {
		want = *e.Username
	}
	if username != "" && username != want {
		return FieldInvalid("username", username, "does not match the username of this enrollment")
	}
	if err := c.checkNewPassword(e.IdentityID, password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	now := c.now()
	au := &store.Authenticator{ID: auth.RandomID(), Method: "updb", Username: want, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := c.ConsumeEnrollment(token, edgewire.MethodUPDB, au); err != nil {
		return err
	}
	c.logger().Info("identity enrolled", "identity", au.IdentityID, "method", edgewire.MethodUPDB)
	return nil
}

// MaxEnrollmentLifetime bounds an enrollment's expiresAt. OpenZiti v1.7.2
// only asks for a time in the future (9999-12-31 passes); an enrollment
// token is a bearer credential, so one that outlives any plan to use it
// is refused here.
const MaxEnrollmentLifetime = 366 * 24 * time.Hour

// checkEnrollmentExpiry accepts an expiresAt in the future and at most
// MaxEnrollmentLifetime away.
func checkEnrollmentExpiry(exp, now time.Time) error {
	if !exp.After(now) {
		return FieldInvalid("expiresAt", exp.Format(time.RFC3339), "must be in the future")
	}
	if exp.Sub(now) > MaxEnrollmentLifetime {
		return FieldInvalid("expiresAt", exp.Format(time.RFC3339), "is more than %d days away: an enrollment token may live at most that long", int(MaxEnrollmentLifetime/(24*time.Hour)))
	}
	return nil
}
