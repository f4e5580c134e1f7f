package api

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"sort"
	"strings"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func enroll(c *Ctx) error {
	method := rawQueryParam(c.R, "method")
	if method == "" {
		method = edgewire.MethodOTT // OpenZiti treats a missing method as ott
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

func enrollOTT(c *Ctx, token string, csrFromJSON []byte) error {
	e, err := c.API.FindEnrollment(token, edgewire.MethodOTT)
	if err != nil {
		return err
	}
	csr, err := readCSR(c, csrFromJSON)
	if err != nil {
		return err
	}
	issued, err := c.API.EnrollOTT(token, e, csr)
	if err != nil {
		return err
	}
	return c.OK(map[string]any{
		"cert": string(pki.EncodeCertsPEM(issued.Chain...)),
		"ca":   string(pki.EncodeCertsPEM(c.API.CABundle...)),
	})
}

func enrollUPDB(c *Ctx, token string) error {
	e, err := c.API.FindEnrollment(token, edgewire.MethodUPDB)
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
	if err := c.API.EnrollUPDB(token, e, in.Username, in.Password); err != nil {
		return err
	}
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
