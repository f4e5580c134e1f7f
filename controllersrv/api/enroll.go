package api

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"sort"
	"strings"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func enroll(c *Ctx) error {
	method := rawQueryParam(c.R, "method")
	if method == "" {
		method = "ott" // OpenZiti treats a missing method as ott
	}
	h, ok := enrollMethods[method]
	if !ok {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidEnrollMethod,
			Message: "enrollment method " + quote(method) + " is not supported by this controller: use one of " + enrollMethodNames(),
			Cause:   &FieldError{Field: "method", Reason: "unsupported", Value: method}}
	}
	return h(c)
}

func enrollOTTJSON(c *Ctx) error {
	var in struct {
		Token     string `json:"token"`
		ClientCsr string `json:"clientCsr"`
	}
	if err := c.Decode(&in); err != nil {
		return err
	}
	return enrollOTT(c, in.Token, []byte(in.ClientCsr))
}

// FindEnrollment looks up a token for method without changing anything:
// unknown or consumed tokens, the wrong method and expiry are refused.
func (a *API) FindEnrollment(token, method string) (*store.Enrollment, error) {
	if token == "" {
		return nil, FieldInvalid("token", nil, "is required: pass ?token=<jti of the enrollment JWT>")
	}
	var e *store.Enrollment
	err := a.DB.View(func(tx *store.Tx) error {
		var err error
		e, err = tx.EnrollmentByToken(token)
		return err
	})
	if err != nil {
		return nil, invalidToken()
	}
	return e, a.checkUsable(e, method)
}

func invalidToken() error {
	return Errorf(http.StatusBadRequest, CodeInvalidEnrollToken, "the enrollment token is unknown or has already been used")
}

func (a *API) checkUsable(e *store.Enrollment, method string) error {
	if e.Method != method {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidEnrollMethod,
			Message: "this token is for method " + quote(e.Method) + ", not " + quote(method),
			Cause:   &FieldError{Field: "method", Reason: "does not match the token", Value: method}}
	}
	if !a.now().Before(e.ExpiresAt) {
		return Errorf(http.StatusGone, CodeEnrollmentExpired, "the enrollment token expired at %s: ask an administrator to refresh it", e.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"))
	}
	return nil
}

// ConsumeEnrollment deletes the enrollment for token and stores the new
// authenticator in one write transaction, so that of any number of
// concurrent requests with one token exactly one succeeds.
func (a *API) ConsumeEnrollment(token, method string, au *store.Authenticator) error {
	return a.DB.Update(func(tx *store.Tx) error {
		e, err := tx.EnrollmentByToken(token)
		if err != nil {
			return invalidToken()
		}
		if err := a.checkUsable(e, method); err != nil {
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

// readCSR takes the CSR from the request body, or from a JSON field
// already decoded by the caller.
func readCSR(c *Ctx, fromJSON []byte) (*x509.CertificateRequest, error) {
	if fromJSON != nil {
		return ParseCSRBody(fromJSON, "application/x-pem-file")
	}
	raw, err := c.ReadBody()
	if err != nil {
		return nil, err
	}
	return ParseCSRBody(raw, c.R.Header.Get("Content-Type"))
}

// ParseCSRBody reads a CSR in any of the forms clients send: PEM
// (application/x-pem-file, text/plain), base64 DER (application/pkcs7) or
// JSON {"clientCsr"|"certCsr": PEM}. The signature and key strength are
// checked. Errors are API errors with code COULD_NOT_PROCESS_CSR.
func ParseCSRBody(body []byte, contentType string) (*x509.CertificateRequest, error) {
	ct, _, _ := mime.ParseMediaType(contentType)
	if ct == "application/json" {
		var in struct {
			ClientCsr string `json:"clientCsr"`
			CertCsr   string `json:"certCsr"`
		}
		if err := checkUTF8(body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, Errorf(http.StatusBadRequest, CodeCouldNotParseBody, "the request body is not valid JSON: %s", jsonErrText(err))
		}
		body = []byte(in.ClientCsr)
		if in.CertCsr != "" {
			body = []byte(in.CertCsr)
		}
	}
	s := strings.TrimSpace(string(body))
	if s == "" {
		return nil, &Error{Status: http.StatusBadRequest, Code: CodeCouldNotProcessCSR,
			Message: "the request has no certificate signing request: send a PEM CSR as the body (Content-Type: application/x-pem-file)",
			Cause:   &FieldError{Field: "csr", Reason: "missing"}}
	}
	var csr *x509.CertificateRequest
	var err error
	if strings.HasPrefix(s, "-----BEGIN") {
		csr, err = pki.ParseCSRPEM([]byte(s))
	} else {
		der, derr := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if derr != nil {
			return nil, &Error{Status: http.StatusBadRequest, Code: CodeCouldNotProcessCSR,
				Message: "the CSR is neither PEM nor base64 DER",
				Cause:   &FieldError{Field: "csr", Reason: "not PEM or base64"}}
		}
		csr, err = pki.ParseCSRDER(der)
	}
	if err != nil {
		return nil, &Error{Status: http.StatusBadRequest, Code: CodeCouldNotProcessCSR, Message: err.Error(),
			Cause: &FieldError{Field: "csr", Reason: err.Error()}}
	}
	return csr, nil
}

// SignClientCert issues an identity certificate from the signing CA:
// clientAuth EKU, subject CN = the identity id (as OpenZiti does).
func (a *API) SignClientCert(identityID string, csr *x509.CertificateRequest) (*pki.Issued, error) {
	return pki.Issue(pki.Request{
		Kind:     pki.KindClient,
		Subject:  pkix.Name{CommonName: identityID},
		Validity: a.ClientCertValidity,
	}, csr.PublicKey, nil, a.SigningCA)
}

func enrollOTT(c *Ctx, token string, csrFromJSON []byte) error {
	e, err := c.API.FindEnrollment(token, "ott")
	if err != nil {
		return err
	}
	csr, err := readCSR(c, csrFromJSON)
	if err != nil {
		return err
	}
	issued, err := c.API.SignClientCert(e.IdentityID, csr)
	if err != nil {
		return Errorf(http.StatusBadRequest, CodeCouldNotProcessCSR, "could not sign the certificate request: %v", err)
	}
	now := c.API.now()
	au := &store.Authenticator{
		ID: auth.RandomID(), Method: "cert", Fingerprint: pki.FingerprintSHA1(issued.Cert),
		CertPEM: string(pki.EncodeCertsPEM(issued.Cert)), IsIssuedByNetwork: true, CreatedAt: now, UpdatedAt: now,
	}
	if err := c.API.ConsumeEnrollment(token, "ott", au); err != nil {
		return err
	}
	c.API.Logger.Info("identity enrolled", "identity", au.IdentityID, "method", "ott", "fingerprint", au.Fingerprint)
	return c.OK(map[string]any{
		"cert": string(pki.EncodeCertsPEM(issued.Chain...)),
		"ca":   string(pki.EncodeCertsPEM(c.API.CABundle...)),
	})
}

func enrollUPDB(c *Ctx, token string) error {
	e, err := c.API.FindEnrollment(token, "updb")
	if err != nil {
		return err
	}
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := c.Decode(&in); err != nil {
		return err
	}
	want := ""
	if e.Username != nil {
		want = *e.Username
	}
	if in.Username != "" && in.Username != want {
		return FieldInvalid("username", in.Username, "does not match the username of this enrollment")
	}
	if l := len(in.Password); l < 5 || l > 100 {
		return FieldInvalid("password", nil, "must be 5 to 100 characters")
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return err
	}
	now := c.API.now()
	au := &store.Authenticator{ID: auth.RandomID(), Method: "updb", Username: want, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := c.API.ConsumeEnrollment(token, "updb", au); err != nil {
		return err
	}
	c.API.Logger.Info("identity enrolled", "identity", au.IdentityID, "method", "updb")
	return c.Empty()
}

// enrollMethodNames lists the registered enrollment methods for messages.
func enrollMethodNames() string {
	names := make([]string, 0, len(enrollMethods))
	for n := range enrollMethods {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
