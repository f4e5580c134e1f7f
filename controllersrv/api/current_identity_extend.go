package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// extendCurrentAuthenticator signs a new client certificate for one of the
// caller's certificate authenticators (domain.ExtendCert).
func extendCurrentAuthenticator(c *Ctx) error {
	id := c.R.PathValue("id")
	var in struct {
		ClientCertCsr string `json:"clientCertCsr"`
	}
	if err := c.Decode(&in); err != nil {
		return err
	}
	au, err := c.API.ExtendableAuthenticator(c.Identity.ID, id)
	if err != nil {
		return err
	}
	if strings.TrimSpace(in.ClientCertCsr) == "" {
		return FieldInvalid("clientCertCsr", "", "is required: a PEM certificate signing request for the new certificate")
	}
	csr, err := ParseCSRBody([]byte(in.ClientCertCsr), "application/x-pem-file")
	if err != nil {
		if ae := (*Error)(nil); errors.As(err, &ae) && ae.Cause != nil {
			ae.Cause.Field = "clientCertCsr"
		}
		return err
	}
	issued, err := c.API.ExtendCert(au, csr)
	if err != nil {
		return err
	}
	return c.OK(map[string]any{
		"clientCert": string(pki.EncodeCertsPEM(issued.Chain...)),
		"ca":         string(pki.EncodeCertsPEM(c.API.CABundle...)),
	})
}

// extendVerifyCurrentAuthenticator makes the pending certificate the
// authenticator's certificate once the client sends it back
// (domain.VerifyCertExtension).
func extendVerifyCurrentAuthenticator(c *Ctx) error {
	var in struct {
		ClientCert string `json:"clientCert"`
	}
	if err := c.Decode(&in); err != nil {
		return err
	}
	if strings.TrimSpace(in.ClientCert) == "" {
		return FieldInvalid("clientCert", "", "is required: the PEM certificate returned by extend")
	}
	certs, err := pki.ParseCertsPEM([]byte(in.ClientCert))
	if err != nil {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidClientCert, Message: "clientCert is not a PEM certificate: " + err.Error(),
			Cause: &FieldError{Field: "clientCert", Reason: err.Error()}}
	}
	if err := c.API.VerifyCertExtension(c.Identity.ID, c.R.PathValue("id"), certs[0]); err != nil {
		return err
	}
	return c.Empty()
}
