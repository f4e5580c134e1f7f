package api

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
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

// certAuthAllowingExpired is method=cert. A certificate that is refused
// now but was trusted at the end of its validity is accepted if the
// identity it maps to has an auth policy with allowExpiredCerts.
func certAuthAllowingExpired(c *Ctx) (string, string, error) {
	identityID, authID, err := certAuthWithThirdParty(c, certAuth)
	if err == nil || c.R.TLS == nil || len(c.R.TLS.PeerCertificates) == 0 {
		return identityID, authID, err
	}
	leaf := c.R.TLS.PeerCertificates[0]
	if !c.API.now().After(leaf.NotAfter) {
		return "", "", err
	}
	// The same checks on a clock stopped at the leaf's last valid second.
	then := *c.API
	then.Now = func() time.Time { return leaf.NotAfter }
	at := *c
	at.API = &then
	identityID, authID, expiredErr := certAuthWithThirdParty(&at, certAuth)
	if expiredErr != nil {
		return "", "", err
	}
	if !c.API.ExpiredCertAllowed(identityID) {
		return "", "", c.API.refuseCert(c, leaf, fmt.Errorf("the certificate expired at %s and the auth policy of identity %s does not allow expired certificates", leaf.NotAfter.UTC().Format(time.RFC3339), identityID))
	}
	return identityID, authID, nil
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
	ca, err := c.API.MatchThirdParty(chain, func(ca *store.CA) bool { return ca.IsAuthEnabled })
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
	idn, au, err := c.API.ResolveThirdParty(ca, chain[0], "")
	if err != nil {
		return "", "", c.API.refuseCert(c, chain[0], fmt.Errorf("CA %q (%s): %w", ca.Name, ca.ID, err))
	}
	return idn, au, nil
}

// enrollAutoCA is method=ca (domain.EnrollAutoCA): the client certificate
// on the connection gets an identity. Optional body {"name"} fills
// [requestedName].
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
	if err := c.API.EnrollAutoCA(c.R.TLS.PeerCertificates, in.Name, c.RequestID); err != nil {
		return err
	}
	return c.Empty()
}

// enrollOTTCA completes an ottca enrollment (domain.EnrollOTTCA): the
// token plus a client certificate on the connection.
func enrollOTTCA(c *Ctx, token string) error {
	e, err := c.API.FindEnrollment(token, edgewire.MethodOTTCA)
	if err != nil {
		return err
	}
	if c.R.TLS == nil || len(c.R.TLS.PeerCertificates) == 0 {
		return Errorf(http.StatusBadRequest, CodeCertFailedValidation, "ottca enrollment needs the client certificate issued by the third-party CA on the TLS connection")
	}
	if err := c.API.EnrollOTTCA(token, e, c.R.TLS.PeerCertificates, c.RequestID); err != nil {
		return err
	}
	return c.Empty()
}
