package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func invalidAuth() error {
	return Errorf(http.StatusUnauthorized, CodeInvalidAuth, "the authentication request failed: the credentials are wrong, or the identity has no such authenticator")
}

// passwordAuth is method=password: the auth policy's lockout and rules
// are domain.PasswordLogin's.
func passwordAuth(c *Ctx) (string, string, error) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := c.Decode(&in); err != nil {
		return "", "", err
	}
	if in.Username == "" {
		return "", "", FieldInvalid("username", nil, "is required for method=password")
	}
	// Refused before the key derivation when too many run: each takes
	// tens of MiB and a core.
	release, ok := c.API.AuthLimiter.Acquire(c.Context(), clientIP(c.R), in.Username)
	if !ok {
		return "", "", rateLimited()
	}
	failed := true
	defer func() { release(failed) }()
	identityID, authID, err := c.API.PasswordLogin(in.Username, in.Password)
	// A failure counts whether the username exists or not: see
	// auth.Limiter.
	failed = err != nil
	return identityID, authID, err
}

func rateLimited() error {
	return Errorf(http.StatusTooManyRequests, CodeRateLimited, "too many password checks are running (from this address, for this username or in all), or too many failed from this address: try again later")
}

func certAuth(c *Ctx) (string, string, error) {
	if c.R.TLS == nil || len(c.R.TLS.PeerCertificates) == 0 {
		return "", "", Errorf(http.StatusUnauthorized, CodeInvalidAuth, "method=cert needs a client certificate on the TLS connection")
	}
	chain := c.R.TLS.PeerCertificates
	now := c.API.now()
	trusted := false
	for _, src := range c.API.CertSources {
		if src.Verify(chain, now) == nil {
			trusted = true
			break
		}
	}
	if !trusted {
		return "", "", Errorf(http.StatusUnauthorized, CodeInvalidAuth, "the client certificate is not issued by a CA this controller trusts for authentication, or it expired")
	}
	fp := pki.FingerprintSHA1(chain[0])
	var au *store.Authenticator
	err := c.API.DB.View(func(tx *store.Tx) error {
		var err error
		au, err = tx.AuthenticatorByFingerprint(fp)
		return err
	})
	if err != nil {
		return "", "", invalidAuth()
	}
	return au.IdentityID, au.ID, nil
}

func authenticate(c *Ctx) error {
	method := rawQueryParam(c.R, "method")
	fn, ok := authMethods[method]
	if !ok {
		return &Error{Status: http.StatusBadRequest, Code: CodeCouldNotValidate,
			Message: "unsupported authentication method " + quote(method) + ": use method=password, method=cert or method=ext-jwt",
			Cause:   &FieldError{Field: "method", Reason: "unsupported", Value: method}}
	}
	// Every method may send the config types the client wants in its
	// service lists (what SDKs and tunnelers do); the method reads the body
	// again for its credentials.
	body, err := c.ReadBody()
	if err != nil {
		return err
	}
	var prefs struct {
		ConfigTypes []string `json:"configTypes"`
		// Username names a failed password login in the log (never
		// the password).
		Username string `json:"username"`
	}
	_ = json.Unmarshal(body, &prefs) // a body the method cannot read is refused by it
	c.R.Body = io.NopCloser(bytes.NewReader(body))
	if err := login(c, method, fn, prefs.ConfigTypes); err != nil {
		logLoginFailure(c, method, prefs.Username, err)
		return err
	}
	return nil
}

// logLoginFailure leaves a trace of every refused login at warn level:
// the method, the username or certificate, where it came from and why,
// never a credential.
func logLoginFailure(c *Ctx, method, username string, err error) {
	attrs := []any{"method", method, "remoteAddress", c.R.RemoteAddr}
	if username != "" {
		attrs = append(attrs, "username", username)
	}
	if c.R.TLS != nil && len(c.R.TLS.PeerCertificates) > 0 {
		leaf := c.R.TLS.PeerCertificates[0]
		attrs = append(attrs, "certificateSubject", leaf.Subject.String(), "certificateFingerprint", pki.FingerprintSHA1(leaf))
	}
	var e *Error
	if errors.As(err, &e) {
		attrs = append(attrs, "status", e.Status, "code", e.Code)
	}
	c.API.Logger.Warn("authentication failed", attrs...)
}

// login runs the method's credential check, then what every method
// shares: the identity must be enabled and its auth policy must allow
// the method (and, for ext-jwt, the signer).
func login(c *Ctx, method string, fn func(*Ctx) (string, string, error), configTypes []string) error {
	identityID, authID, err := fn(c)
	if err != nil {
		return err
	}
	var idn *store.Identity
	var policy *store.AuthPolicy
	err = c.API.DB.View(func(tx *store.Tx) error {
		idn, policy, err = c.API.Admit(tx, identityID, method, authID)
		return err
	})
	if err != nil {
		return err
	}
	if err := c.API.Secondary(c.Context(), policy, identityID, bearer(c)); err != nil {
		return err
	}
	admit := func(tx *store.Tx) error {
		_, _, err := c.API.Admit(tx, identityID, method, authID)
		return err
	}
	sess, err := c.API.Sessions.Create(identityID, authID, method, clientIP(c.R), admit, configTypes...)
	if errors.Is(err, auth.ErrCredentialsChanged) {
		return Errorf(http.StatusUnauthorized, CodeInvalidAuth, "the authentication request failed: the identity or its authenticator changed during the login: authenticate again")
	}
	if err != nil {
		return err
	}
	c.Session = sess
	c.Identity = idn
	c.API.Logger.Info("authenticated", "identity", idn.ID, "method", method, "remoteAddress", c.R.RemoteAddr)
	return c.writeSession(sess, idn)
}

type sessionView struct {
	Base
	Token                   string    `json:"token"`
	Identity                *Ref      `json:"identity"`
	IdentityID              string    `json:"identityId"`
	ConfigTypes             []string  `json:"configTypes"`
	IPAddress               string    `json:"ipAddress"`
	AuthQueries             []any     `json:"authQueries"`
	CachedUpdatedAt         time.Time `json:"cachedUpdatedAt"`
	CachedLastActivityAt    time.Time `json:"cachedLastActivityAt"`
	LastActivityAt          time.Time `json:"lastActivityAt"`
	IsMfaRequired           bool      `json:"isMfaRequired"`
	IsMfaComplete           bool      `json:"isMfaComplete"`
	AuthenticatorID         string    `json:"authenticatorId"`
	IsCertExtendable        bool      `json:"isCertExtendable"`
	IsCertExtendRequested   bool      `json:"isCertExtendRequested"`
	IsCertKeyRollRequested  bool      `json:"isCertKeyRollRequested"`
	ImproperClientCertChain bool      `json:"improperClientCertChain"`
	ExpiresAt               time.Time `json:"expiresAt"`
	ExpirationSeconds       int64     `json:"expirationSeconds"`
}

func (c *Ctx) writeSession(s *auth.Session, idn *store.Identity) error {
	idle := c.API.Sessions.Idle
	exp := s.ExpiresAt(idle).UTC()
	v := &sessionView{
		Base:  base("current-api-session", s.ID, s.CreatedAt, s.UpdatedAt, nil),
		Token: s.Token, Identity: ref("identities", idn.ID, idn.Name), IdentityID: idn.ID,
		ConfigTypes: orEmpty(s.ConfigTypes), IPAddress: s.IPAddress, AuthQueries: []any{},
		CachedUpdatedAt: s.UpdatedAt, CachedLastActivityAt: s.LastActivityAt, LastActivityAt: s.LastActivityAt,
		AuthenticatorID: s.AuthenticatorID, IsCertExtendable: s.Method == "cert" && c.API.CertExtendable(s.AuthenticatorID),
		ExpiresAt: exp, ExpirationSeconds: int64(idle / time.Second),
	}
	v.Links = Links{"self": {Href: "./current-api-session"}}
	h := c.W.Header()
	h.Set("zt-session", s.Token)
	// The body and header carry the session token: no cache may keep it.
	h.Set("Cache-Control", "no-store")
	h.Set("expiration-seconds", strconv.FormatInt(v.ExpirationSeconds, 10))
	h.Set("expires-at", exp.Format(time.RFC3339))
	return c.OK(v)
}

func currentAPISession(c *Ctx) error { return c.writeSession(c.Session, c.Identity) }

func logout(c *Ctx) error {
	if err := c.API.Sessions.Delete(c.Session.Token); err != nil {
		return err
	}
	return c.Empty()
}

func currentIdentity(c *Ctx) error {
	var d any
	err := c.API.DB.View(func(tx *store.Tx) error {
		var err error
		d, err = c.API.identityDetail(tx, c.Identity)
		return err
	})
	if err != nil {
		return err
	}
	return c.OK(d)
}

// currentAuthenticators lists the caller's authenticators with the same
// filter, sort, limit and offset as GET /authenticators.
func currentAuthenticators(c *Ctx) error {
	q, err := parseListQuery(c, authenticatorFilterable)
	if err != nil {
		return err
	}
	var out []any
	var pg Pagination
	err = c.API.DB.View(func(tx *store.Tx) error {
		all, err := tx.AuthenticatorsOfIdentity(c.Identity.ID)
		if err != nil {
			return err
		}
		items, p := page(q, all, authenticatorFields)
		out, pg = make([]any, 0, len(items)), p
		for _, a := range items {
			out = append(out, authenticatorDetail(a, c.Identity))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.List(out, pg, authenticatorFilterable)
}

func currentAuthenticator(c *Ctx) error {
	id := c.R.PathValue("id")
	var d any
	err := c.API.DB.View(func(tx *store.Tx) error {
		a, err := tx.GetAuthenticator(id)
		if err != nil || a.IdentityID != c.Identity.ID {
			return NotFound("authenticator", id)
		}
		d = authenticatorDetail(a, c.Identity)
		return nil
	})
	if err != nil {
		return err
	}
	return c.OK(d)
}
