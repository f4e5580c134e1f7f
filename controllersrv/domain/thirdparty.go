package domain

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/claims"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// thirdPartyAnchors lists the verified CAs that pass keep and their
// certificates (the first of each CA's certPem is its anchor; further
// CA certificates in certPem are anchors too).
func (c *Controller) thirdPartyAnchors(keep func(*store.CA) bool) ([]*store.CA, []*x509.Certificate, error) {
	var cas []*store.CA
	err := c.DB.View(func(tx *store.Tx) error {
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
			c.logger().Error("stored CA certificate does not parse", "ca", ca.ID, "error", err)
			continue
		}
		// Only the first certificate is the CA: it is the one whose key
		// signed the verification certificate. Trusting the others too
		// would let a pasted "intermediate + root" vouch for everything
		// under a root nobody verified. OpenZiti v1.7.2 trusts only the
		// first as well.
		owners = append(owners, ca)
		anchors = append(anchors, certs[0])
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

// MatchThirdParty finds the CA (among those keep allows) that the
// presented chain validates to, treating each CA as a trust anchor.
func (c *Controller) MatchThirdParty(chain []*x509.Certificate, keep func(*store.CA) bool) (*store.CA, error) {
	owners, anchors, err := c.thirdPartyAnchors(keep)
	if err != nil {
		return nil, err
	}
	i, err := auth.VerifyPartialChain(chain, anchors, c.now())
	if err != nil {
		return nil, err
	}
	return owners[i], nil
}

// ResolveThirdParty maps a leaf validated by ca to an identity: by
// externalId when the CA has an externalIdClaim that yields one for the
// leaf, else (no claim, or no value in this certificate, as OpenZiti does)
// by the certificate's fingerprint; an unknown certificate of an
// auto-enrollment CA creates its identity on first use.
func (c *Controller) ResolveThirdParty(ca *store.CA, leaf *x509.Certificate, requestedName string) (identityID, authenticatorID string, err error) {
	if ca.ExternalIDClaim != nil {
		if value, err := claims.Extract(ClaimConfig(ca.ExternalIDClaim), claims.SubjectOf(leaf)); err == nil && value != "" {
			found, _ := store.Read(c.DB, func(tx *store.Tx) (*store.Identity, error) { return tx.IdentityByExternalID(value) })
			if found == nil {
				return "", "", fmt.Errorf("no identity has externalId %q", value)
			}
			return found.ID, "", nil
		}
	}
	fp := pki.FingerprintSHA1(leaf)
	au, _ := store.Read(c.DB, func(tx *store.Tx) (*store.Authenticator, error) { return tx.AuthenticatorByFingerprint(fp) })
	if au != nil {
		return au.IdentityID, au.ID, nil
	}
	if !ca.IsAutoCaEnrollmentEnabled {
		return "", "", fmt.Errorf("no identity has this certificate (fingerprint %s) and the CA does not auto-enroll", fp)
	}
	idn, aid, _, err := c.autoEnroll(ca, leaf, requestedName)
	return idn, aid, err
}

// identityName renders a CA's identityNameFormat.
func identityName(format string, ca *store.CA, commonName, requestedName, identityID string) string {
	if format == "" {
		format = DefaultIdentityNameFormat
	}
	if requestedName == "" {
		requestedName = commonName
	}
	r := strings.NewReplacer("[caName]", ca.Name, "[caId]", ca.ID, "[commonName]", commonName,
		"[requestedName]", requestedName, "[identityId]", identityID)
	// Certificate fields are the holder's text: cleaned to the name
	// policy rather than refused, so the device still enrolls.
	name := strings.TrimSpace(sanitizeName(r.Replace(format)))
	if name == "" {
		name = identityID
	}
	if len(name) > 240 {
		name = strings.ToValidUTF8(name[:240], "")
	}
	return name
}

// autoEnroll creates the identity of a certificate from an auto-enrollment
// CA: named by the CA's identityNameFormat (a taken name gets a numeric
// suffix), with the CA's identityRoles, and a cert authenticator for the
// certificate. If the certificate is already enrolled (a concurrent first
// use), the existing identity is returned with created=false.
func (c *Controller) autoEnroll(ca *store.CA, leaf *x509.Certificate, requestedName string) (identityID, authenticatorID string, created bool, err error) {
	now := c.now()
	fp := pki.FingerprintSHA1(leaf)
	idn := &store.Identity{Named: store.Named{ID: auth.RandomID(), CreatedAt: now, UpdatedAt: now}, TypeID: "Default", RoleAttributes: append([]string{}, ca.IdentityRoles...),
		AuthPolicyID: DefaultAuthPolicyID, DefaultHostingPrecedence: "default"}
	au := &store.Authenticator{ID: auth.RandomID(), IdentityID: idn.ID, Method: "cert", Fingerprint: fp,
		CertPEM: string(pki.EncodeCertsPEM(leaf)), IsIssuedByNetwork: false, CreatedAt: now, UpdatedAt: now}
	base := identityName(ca.IdentityNameFormat, ca, leaf.Subject.CommonName, requestedName, idn.ID)
	err = c.DB.Update(func(tx *store.Tx) error {
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
		c.logger().Info("identity auto-enrolled", "identity", identityID, "name", idn.Name, "ca", ca.ID, "fingerprint", fp)
	}
	return identityID, authenticatorID, created, nil
}

// EnrollAutoCA is method=ca: the client certificate chain of the
// connection, from a verified CA with isAutoCaEnrollmentEnabled, gets an
// identity; name fills [requestedName]. requestID ties the logged reason
// of a refusal to the request.
func (c *Controller) EnrollAutoCA(chain []*x509.Certificate, name, requestID string) error {
	ca, err := c.MatchThirdParty(chain, func(ca *store.CA) bool { return ca.IsAutoCaEnrollmentEnabled })
	if err != nil {
		c.logger().Info("auto CA enrollment refused", "reason", err.Error(), "subject", chain[0].Subject.CommonName, "requestId", requestID)
		return Errorf(http.StatusBadRequest, CodeCertFailedValidation, "the client certificate does not validate against any verified CA with auto enrollment enabled; the controller log has the reason (request %s)", requestID)
	}
	_, _, created, err := c.autoEnroll(ca, chain[0], name)
	if err != nil {
		return err
	}
	if !created {
		return &Error{Status: http.StatusConflict, Code: CodeCertInUse, Message: "this certificate is already enrolled: authenticate with method=cert",
			Cause: &FieldError{Field: "certificate", Reason: "already enrolled", Value: pki.FingerprintSHA1(chain[0])}}
	}
	return nil
}

// EnrollOTTCA completes the ottca enrollment e (found by FindEnrollment):
// the client certificate chain of the connection must validate against the
// enrollment's CA, which must allow ottca enrollment. As in OpenZiti
// v1.7.2, the CA need not be verified yet: the enrollment succeeds, and the
// certificate logs in only once the CA is verified (thirdPartyAnchors).
// requestID ties the logged reason of a refusal to the request.
func (c *Controller) EnrollOTTCA(token string, e *store.Enrollment, chain []*x509.Certificate, requestID string) error {
	caID := ""
	if e.CAID != nil {
		caID = *e.CAID
	}
	ca, _ := store.Read(c.DB, func(tx *store.Tx) (*store.CA, error) { return tx.GetCA(caID) })
	switch {
	case ca == nil:
		return Errorf(http.StatusBadRequest, CodeInvalidEnrollToken, "the CA of this ottca enrollment no longer exists")
	case !ca.IsOttCaEnrollmentEnabled:
		return Errorf(http.StatusBadRequest, CodeCertFailedValidation, "the CA %q does not allow ottca enrollment (isOttCaEnrollmentEnabled is false)", ca.Name)
	}
	anchors, err := caCertificates(ca)
	if err == nil {
		// The first certificate only, as for logins (thirdPartyAnchors).
		_, err = auth.VerifyPartialChain(chain, anchors[:1], c.now())
	}
	if err != nil {
		c.logger().Info("ottca enrollment refused", "reason", err.Error(), "ca", ca.ID, "subject", chain[0].Subject.CommonName, "requestId", requestID)
		return Errorf(http.StatusBadRequest, CodeCertFailedValidation, "the client certificate does not validate against the CA %q of this enrollment; the controller log has the reason (request %s)", ca.Name, requestID)
	}
	now := c.now()
	au := &store.Authenticator{ID: auth.RandomID(), Method: "cert", Fingerprint: pki.FingerprintSHA1(chain[0]),
		CertPEM: string(pki.EncodeCertsPEM(chain[0])), IsIssuedByNetwork: false, CreatedAt: now, UpdatedAt: now}
	if err := c.ConsumeEnrollment(token, edgewire.MethodOTTCA, au); err != nil {
		return err
	}
	c.logger().Info("identity enrolled", "identity", au.IdentityID, "method", edgewire.MethodOTTCA, "ca", ca.ID, "fingerprint", au.Fingerprint)
	return nil
}
