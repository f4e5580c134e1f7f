package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// ownAuthenticator loads an authenticator of the calling identity; others'
// authenticators are reported as not found.
func ownAuthenticator(c *Ctx, tx *store.Tx, id string) (*store.Authenticator, error) {
	a, err := tx.GetAuthenticator(id)
	if err != nil || a.IdentityID != c.Identity.ID {
		return nil, NotFound("authenticator", id)
	}
	return a, nil
}

// extendCurrentAuthenticator signs a new client certificate for one of the
// caller's certificate authenticators (certificate extension). The new certificate is
// held as pending: the old one keeps working until extend-verify proves the
// client received the new one.
func extendCurrentAuthenticator(c *Ctx) error {
	id := c.R.PathValue("id")
	var in struct {
		ClientCertCsr string `json:"clientCertCsr"`
	}
	if err := c.Decode(&in); err != nil {
		return err
	}
	var au *store.Authenticator
	err := c.API.DB.View(func(tx *store.Tx) error {
		var err error
		au, err = ownAuthenticator(c, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	if au.Method != "cert" {
		return Errorf(http.StatusBadRequest, CodeCannotExtend, "authenticator %s is a %s authenticator: only certificate authenticators can be extended", id, au.Method)
	}
	if !au.IsIssuedByNetwork {
		return Errorf(http.StatusBadRequest, CodeCannotExtend, "the certificate of authenticator %s was issued by a third-party CA: only certificates issued by this controller's PKI can be extended; renew it with that CA", id)
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
	issued, err := c.API.SignClientCert(au.IdentityID, csr)
	if err != nil {
		return Errorf(http.StatusBadRequest, CodeCouldNotProcessCSR, "could not sign the certificate request: %v", err)
	}
	ext := &store.CertExtension{AuthenticatorID: au.ID, CertPEM: string(pki.EncodeCertsPEM(issued.Cert)),
		Fingerprint: pki.FingerprintSHA1(issued.Cert), CreatedAt: c.API.now()}
	err = c.API.DB.Update(func(tx *store.Tx) error {
		if _, err := ownAuthenticator(c, tx, id); err != nil {
			return err
		}
		return tx.PutCertExtension(ext)
	})
	if err != nil {
		return err
	}
	c.API.Logger.Info("certificate extension issued", "identity", au.IdentityID, "authenticator", au.ID, "fingerprint", ext.Fingerprint)
	return c.OK(map[string]any{
		"clientCert": string(pki.EncodeCertsPEM(issued.Chain...)),
		"ca":         string(pki.EncodeCertsPEM(c.API.CABundle...)),
	})
}

// extendVerifyCurrentAuthenticator makes the pending certificate the
// authenticator's certificate once the client sends it back; from then on
// the old certificate no longer authenticates.
func extendVerifyCurrentAuthenticator(c *Ctx) error {
	id := c.R.PathValue("id")
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
	fp := pki.FingerprintSHA1(certs[0])
	var identityID string
	err = c.API.DB.Update(func(tx *store.Tx) error {
		identityID = ""
		au, err := ownAuthenticator(c, tx, id)
		if err != nil {
			return err
		}
		ext, err := tx.GetCertExtension(id)
		if err != nil {
			return Errorf(http.StatusBadRequest, CodeNoPendingExtension, "authenticator %s has no pending certificate extension: call extend first", id)
		}
		if ext.Fingerprint != fp {
			return &Error{Status: http.StatusBadRequest, Code: CodeInvalidClientCert,
				Message: "clientCert is not the certificate issued by the last extend request of this authenticator",
				Cause:   &FieldError{Field: "clientCert", Reason: "does not match the pending certificate", Value: fp}}
		}
		au.Fingerprint, au.CertPEM, au.UpdatedAt = ext.Fingerprint, ext.CertPEM, c.API.now()
		if err := tx.PutAuthenticator(au); err != nil {
			return err
		}
		identityID = au.IdentityID
		return tx.DeleteCertExtension(id)
	})
	if err != nil {
		return err
	}
	c.API.Logger.Info("certificate extension verified", "identity", identityID, "authenticator", id, "fingerprint", fp)
	return c.Empty()
}

// certExtendable reports whether an authenticator holds a certificate of
// the controller's own PKI (the only kind extend can renew): the session's
// isCertExtendable.
func (a *API) certExtendable(authenticatorID string) bool {
	if authenticatorID == "" {
		return false
	}
	ok := false
	_ = a.DB.View(func(tx *store.Tx) error {
		au, err := tx.GetAuthenticator(authenticatorID)
		ok = err == nil && au.Method == "cert" && au.IsIssuedByNetwork
		return nil
	})
	return ok
}
