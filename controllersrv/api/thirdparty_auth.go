package api

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/claims"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// enrollOTTCAJSON serves POST /enroll/ottca: the token in the query or
// in a JSON body {"token": ...}.
func enrollOTTCAJSON(c *Ctx) error {
	tok := rawQueryParam(c.R, "token")
	if tok == "" {
		var in struct {
			Token string `json:"token"`
		}
		if err := c.Decode(&in); err != nil {
			return err
		}
		tok = in.Token
	}
	return enrollOTTCA(c, tok)
}

// refuseCert logs why a client certificate was refused (the response only
// carries the API's code: the reason is for the operator) and returns 401.
func (a *API) refuseCert(c *Ctx, leaf *x509.Certificate, reason error) error {
	a.Logger.Info("client certificate authentication refused", "reason", reason.Error(),
		"subject", leaf.Subject.CommonName, "issuer", leaf.Issuer.CommonName, "fingerprint", pki.FingerprintSHA1(leaf),
		"remote", clientIP(c.R), "requestId", c.RequestID)
	return Errorf(http.StatusUnauthorized, CodeInvalidAuth, "the client certificate is not trusted for authentication or maps to no identity; the controller log has the reason (request %s)", c.RequestID)
}

// thirdPartyAnchors lists the verified CAs that pass keep and their
// certificates (the first of each CA's certPem is its anchor; further
// CA certificates in certPem are anchors too).
func (a *API) thirdPartyAnchors(keep func(*store.CA) bool) ([]*store.CA, []*x509.Certificate, error) {
	var cas []*store.CA
	err := a.DB.View(func(tx *store.Tx) error {
		all, err := tx.ListCAs()
		if err != nil {
			return err
		}
		for _, ca := range all {
			if ca.IsVerified && keep(ca) { // unverified CAs are used for nothing
				cas = append(cas, ca)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var owners []*store.CA
	var anchors []*x509.Certificate
	for _, ca := range cas {
		certs, err := caCertificates(ca)
		if err != nil {
			a.Logger.Error("stored CA certificate does not parse", "ca", ca.ID, "error", err)
			continue
		}
		for _, cert := range certs {
			owners = append(owners, ca)
			anchors = append(anchors, cert)
		}
	}
	return owners, anchors, nil
}

// parsedCAs caches parsed CA certificates by CA id and fingerprint (a
// CA's certPem never changes), so authentication does not re-parse PEM.
var parsedCAs sync.Map

func caCertificates(ca *store.CA) ([]*x509.Certificate, error) {
	key := ca.ID + "/" + ca.Fingerprint
	if v, ok := parsedCAs.Load(key); ok {
		return v.([]*x509.Certificate), nil
	}
	certs, err := pki.ParseCertsPEM([]byte(ca.CertPEM))
	if err != nil {
		return nil, err
	}
	parsedCAs.Store(key, certs)
	return certs, nil
}

// matchThirdParty finds the CA (among those keep allows) that the
// presented chain validates to, treating each CA as a trust anchor.
func (a *API) matchThirdParty(chain []*x509.Certificate, keep func(*store.CA) bool) (*store.CA, error) {
	owners, anchors, err := a.thirdPartyAnchors(keep)
	if err != nil {
		return nil, err
	}
	i, err := auth.VerifyPartialChain(chain, anchors, a.now())
	if err != nil {
		return nil, err
	}
	return owners[i], nil
}

func certAuthWithThirdParty(c *Ctx, internal func(*Ctx) (string, string, error)) (string, string, error) {
	if c.R.TLS == nil || len(c.R.TLS.PeerCertificates) == 0 {
		return internal(c)
	}
	chain := c.R.TLS.PeerCertificates
	// The controller's own PKI first (the common case, verified once).
	identityID, authID, internalErr := internal(c)
	if internalErr == nil {
		return identityID, authID, nil
	}
	ca, err := c.API.matchThirdParty(chain, func(ca *store.CA) bool { return ca.IsAuthEnabled })
	if err != nil {
		// Both failed: collect the internal sources' reasons for the log.
		var reasons []error
		now := c.API.now()
		for _, src := range c.API.CertSources {
			if err := src.Verify(chain, now); err != nil {
				reasons = append(reasons, err)
			} else {
				reasons = append(reasons, fmt.Errorf("%s: valid, but no authenticator has this certificate", src.Name()))
			}
		}
		reasons = append(reasons, fmt.Errorf("third-party CAs: %w", err))
		return "", "", c.API.refuseCert(c, chain[0], errors.Join(reasons...))
	}
	idn, au, err := c.API.resolveThirdParty(ca, chain[0], "")
	if err != nil {
		return "", "", c.API.refuseCert(c, chain[0], fmt.Errorf("CA %q (%s): %w", ca.Name, ca.ID, err))
	}
	return idn, au, nil
}

// resolveThirdParty maps a leaf validated by ca to an identity: by
// externalId when the CA has an externalIdClaim, else by the certificate's
// fingerprint; an unknown certificate of an auto-enrollment CA creates its
// identity on first use.
func (a *API) resolveThirdParty(ca *store.CA, leaf *x509.Certificate, requestedName string) (identityID, authenticatorID string, err error) {
	if ca.ExternalIDClaim != nil {
		value, err := claims.Extract(domain.ClaimConfig(ca.ExternalIDClaim), claims.SubjectOf(leaf))
		if err != nil {
			return "", "", fmt.Errorf("externalIdClaim: %w", err)
		}
		var found *store.Identity
		_ = a.DB.View(func(tx *store.Tx) error {
			found, _ = tx.IdentityByExternalID(value)
			return nil
		})
		if found == nil {
			return "", "", fmt.Errorf("no identity has externalId %q", value)
		}
		return found.ID, "", nil
	}
	fp := pki.FingerprintSHA1(leaf)
	var au *store.Authenticator
	_ = a.DB.View(func(tx *store.Tx) error {
		au, _ = tx.AuthenticatorByFingerprint(fp)
		return nil
	})
	if au != nil {
		return au.IdentityID, au.ID, nil
	}
	if !ca.IsAutoCaEnrollmentEnabled {
		return "", "", fmt.Errorf("no identity has this certificate (fingerprint %s) and the CA does not auto-enroll", fp)
	}
	idn, aid, _, err := a.autoEnroll(ca, leaf, requestedName)
	return idn, aid, err
}

// identityName renders a CA's identityNameFormat.
func identityName(format string, ca *store.CA, commonName, requestedName, identityID string) string {
	if format == "" {
		format = domain.DefaultIdentityNameFormat
	}
	if requestedName == "" {
		requestedName = commonName
	}
	r := strings.NewReplacer("[caName]", ca.Name, "[caId]", ca.ID, "[commonName]", commonName,
		"[requestedName]", requestedName, "[identityId]", identityID)
	name := strings.TrimSpace(r.Replace(format))
	if name == "" {
		name = identityID
	}
	if len(name) > 240 {
		name = name[:240]
	}
	return name
}

// autoEnroll creates the identity of a certificate from an auto-enrollment
// CA: named by the CA's identityNameFormat (a taken name gets a numeric
// suffix), with the CA's identityRoles, and a cert authenticator for the
// certificate. If the certificate is already enrolled (a concurrent first
// use), the existing identity is returned with created=false.
func (a *API) autoEnroll(ca *store.CA, leaf *x509.Certificate, requestedName string) (identityID, authenticatorID string, created bool, err error) {
	now := a.now()
	fp := pki.FingerprintSHA1(leaf)
	idn := &store.Identity{Named: store.Named{ID: auth.RandomID(), CreatedAt: now, UpdatedAt: now}, TypeID: "Default", RoleAttributes: append([]string{}, ca.IdentityRoles...),
		AuthPolicyID: domain.DefaultAuthPolicyID, DefaultHostingPrecedence: "default"}
	au := &store.Authenticator{ID: auth.RandomID(), IdentityID: idn.ID, Method: "cert", Fingerprint: fp,
		CertPEM: string(pki.EncodeCertsPEM(leaf)), IsIssuedByNetwork: false, CreatedAt: now, UpdatedAt: now}
	base := identityName(ca.IdentityNameFormat, ca, leaf.Subject.CommonName, requestedName, idn.ID)
	err = a.DB.Update(func(tx *store.Tx) error {
		identityID, authenticatorID, created = "", "", false
		if existing, err := tx.AuthenticatorByFingerprint(fp); err == nil {
			identityID, authenticatorID = existing.IdentityID, existing.ID
			return nil
		}
		name := base
		for n := 1; ; n++ {
			if _, err := tx.IdentityByName(name); err != nil {
				break
			}
			name = fmt.Sprintf("%s%06d", base, n)
		}
		idn.Name = name
		if err := tx.PutIdentity(idn); err != nil {
			return err
		}
		if err := tx.PutAuthenticator(au); err != nil {
			return err
		}
		identityID, authenticatorID, created = idn.ID, au.ID, true
		return nil
	})
	if err != nil {
		return "", "", false, err
	}
	if created {
		a.Logger.Info("identity auto-enrolled", "identity", identityID, "name", idn.Name, "ca", ca.ID, "fingerprint", fp)
	}
	return identityID, authenticatorID, created, nil
}

// enrollAutoCA is method=ca: the client certificate on the connection,
// from a verified CA with isAutoCaEnrollmentEnabled, gets an identity.
// Optional body {"name"} fills [requestedName].
func enrollAutoCA(c *Ctx) error {
	if c.R.TLS == nil || len(c.R.TLS.PeerCertificates) == 0 {
		return Errorf(http.StatusBadRequest, CodeCertFailedValidation, "method=ca needs the client certificate issued by the third-party CA on the TLS connection")
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := c.Decode(&in); err != nil {
		return err
	}
	chain := c.R.TLS.PeerCertificates
	ca, err := c.API.matchThirdParty(chain, func(ca *store.CA) bool { return ca.IsAutoCaEnrollmentEnabled })
	if err != nil {
		c.API.Logger.Info("auto CA enrollment refused", "reason", err.Error(), "subject", chain[0].Subject.CommonName, "requestId", c.RequestID)
		return Errorf(http.StatusBadRequest, CodeCertFailedValidation, "the client certificate does not validate against any verified CA with auto enrollment enabled; the controller log has the reason (request %s)", c.RequestID)
	}
	_, _, created, err := c.API.autoEnroll(ca, chain[0], in.Name)
	if err != nil {
		return err
	}
	if !created {
		return &Error{Status: http.StatusConflict, Code: CodeCertInUse, Message: "this certificate is already enrolled: authenticate with method=cert",
			Cause: &FieldError{Field: "certificate", Reason: "already enrolled", Value: pki.FingerprintSHA1(chain[0])}}
	}
	return c.Empty()
}

// enrollOTTCA completes an ottca enrollment: the token plus a client
// certificate on the connection that validates against the enrollment's
// CA, which must be verified and allow ottca enrollment.
func enrollOTTCA(c *Ctx, token string) error {
	e, err := c.API.FindEnrollment(token, "ottca")
	if err != nil {
		return err
	}
	if c.R.TLS == nil || len(c.R.TLS.PeerCertificates) == 0 {
		return Errorf(http.StatusBadRequest, CodeCertFailedValidation, "ottca enrollment needs the client certificate issued by the third-party CA on the TLS connection")
	}
	chain := c.R.TLS.PeerCertificates
	caID := ""
	if e.CAID != nil {
		caID = *e.CAID
	}
	var ca *store.CA
	_ = c.API.DB.View(func(tx *store.Tx) error {
		ca, _ = tx.GetCA(caID)
		return nil
	})
	switch {
	case ca == nil:
		return Errorf(http.StatusBadRequest, CodeInvalidEnrollToken, "the CA of this ottca enrollment no longer exists")
	case !ca.IsVerified:
		return Errorf(http.StatusBadRequest, CodeCertFailedValidation, "the CA %q is not verified yet: an administrator must verify it (POST /cas/%s/verify) before it can be used", ca.Name, ca.ID)
	case !ca.IsOttCaEnrollmentEnabled:
		return Errorf(http.StatusBadRequest, CodeCertFailedValidation, "the CA %q does not allow ottca enrollment (isOttCaEnrollmentEnabled is false)", ca.Name)
	}
	if _, err := c.API.matchThirdParty(chain, func(x *store.CA) bool { return x.ID == ca.ID }); err != nil {
		c.API.Logger.Info("ottca enrollment refused", "reason", err.Error(), "ca", ca.ID, "subject", chain[0].Subject.CommonName, "requestId", c.RequestID)
		return Errorf(http.StatusBadRequest, CodeCertFailedValidation, "the client certificate does not validate against the CA %q of this enrollment; the controller log has the reason (request %s)", ca.Name, c.RequestID)
	}
	now := c.API.now()
	au := &store.Authenticator{ID: auth.RandomID(), Method: "cert", Fingerprint: pki.FingerprintSHA1(chain[0]),
		CertPEM: string(pki.EncodeCertsPEM(chain[0])), IsIssuedByNetwork: false, CreatedAt: now, UpdatedAt: now}
	if err := c.API.ConsumeEnrollment(token, "ottca", au); err != nil {
		return err
	}
	c.API.Logger.Info("identity enrolled", "identity", au.IdentityID, "method", "ottca", "ca", ca.ID, "fingerprint", au.Fingerprint)
	return c.Empty()
}
