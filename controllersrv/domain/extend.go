package domain

import (
	"crypto/x509"
	"net/http"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// ownAuthenticator loads an authenticator of identityID; others'
// authenticators are reported as not found.
func ownAuthenticator(tx *store.Tx, identityID, id string) (*store.Authenticator, error) {
	a, err := tx.GetAuthenticator(id)
	if err != nil || a.IdentityID != identityID {
		return nil, NotFound("authenticator", id)
	}
	return a, nil
}

// ExtendableAuthenticator returns the authenticator id of identityID if
// its certificate can be extended: a certificate of the controller's own
// PKI (third-party certificates are renewed by their CA, passwords are not
// certificates).
func (c *Controller) ExtendableAuthenticator(identityID, id string) (*store.Authenticator, error) {
	au, err := store.Read(c.DB, func(tx *store.Tx) (*store.Authenticator, error) { return ownAuthenticator(tx, identityID, id) })
	if err != nil {
		return nil, err
	}
	if au.Method != "cert" {
		return nil, Errorf(http.StatusBadRequest, CodeCannotExtend, "authenticator %s is a %s authenticator: only certificate authenticators can be extended", id, au.Method)
	}
	if !au.IsIssuedByNetwork {
		return nil, Errorf(http.StatusBadRequest, CodeCannotExtend, "the certificate of authenticator %s was issued by a third-party CA: only certificates issued by this controller's PKI can be extended; renew it with that CA", id)
	}
	return au, nil
}

// ExtendCert signs a new client certificate for the authenticator au (from
// ExtendableAuthenticator) and holds it as pending: the old certificate
// keeps working until VerifyCertExtension receives the new one.
func (c *Controller) ExtendCert(au *store.Authenticator, csr *x509.CertificateRequest) (*pki.Issued, error) {
	issued, err := c.SignClientCert(au.IdentityID, csr)
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, CodeCouldNotProcessCSR, "could not sign the certificate request: %v", err)
	}
	ext := &store.CertExtension{AuthenticatorID: au.ID, CertPEM: string(pki.EncodeCertsPEM(issued.Cert)),
		Fingerprint: pki.FingerprintSHA1(issued.Cert), CreatedAt: c.now()}
	err = c.DB.Update(func(tx *store.Tx) error {
		if _, err := ownAuthenticator(tx, au.IdentityID, au.ID); err != nil {
			return err
		}
		return tx.PutCertExtension(ext)
	})
	if err != nil {
		return nil, err
	}
	c.logger().Info("certificate extension issued", "identity", au.IdentityID, "authenticator", au.ID, "fingerprint", ext.Fingerprint)
	return issued, nil
}

// VerifyCertExtension makes the pending certificate of the authenticator
// id (of identityID) its certificate once the client sends it back (cert);
// from then on the old certificate no longer authenticates.
func (c *Controller) VerifyCertExtension(identityID, id string, cert *x509.Certificate) error {
	fp := pki.FingerprintSHA1(cert)
	err := c.DB.Update(func(tx *store.Tx) error {
		au, err := ownAuthenticator(tx, identityID, id)
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
		au.Fingerprint, au.CertPEM, au.UpdatedAt = ext.Fingerprint, ext.CertPEM, c.now()
		if err := tx.PutAuthenticator(au); err != nil {
			return err
		}
		return tx.DeleteCertExtension(id)
	})
	if err != nil {
		return err
	}
	c.logger().Info("certificate extension verified", "identity", identityID, "authenticator", id, "fingerprint", fp)
	return nil
}

// CertExtendable reports whether an authenticator holds a certificate of
// the controller's own PKI (the only kind extend can renew): the session's
// isCertExtendable.
func (c *Controller) CertExtendable(authenticatorID string) bool {
	if authenticatorID == "" {
		return false
	}
	ok := false
	_ = c.DB.View(func(tx *store.Tx) error {
		au, err := tx.GetAuthenticator(authenticatorID)
		ok = err == nil && au.Method == "cert" && au.IsIssuedByNetwork
		return nil
	})
	return ok
}
