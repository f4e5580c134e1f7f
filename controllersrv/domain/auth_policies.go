package domain

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// DefaultAuthPolicyID is the built-in auth policy every identity uses unless
// told otherwise. It can be changed but not deleted.
const DefaultAuthPolicyID = store.DefaultAuthPolicyID

// Primary authentication methods, as POST /authenticate?method= names them.
const (
	MethodPassword = "password"
	MethodCert     = "cert"
	MethodExtJWT   = "ext-jwt"
)

// AuthPolicyInput is the body of create, PUT and PATCH /auth-policies.
// Create and PUT need every field (as the Edge API specification says);
// PATCH changes the fields it sends, at any depth.
type AuthPolicyInput struct {
	NamedInput
	Primary *struct {
		Cert *struct {
			Allowed           *bool `json:"allowed"`
			AllowExpiredCerts *bool `json:"allowExpiredCerts"`
		} `json:"cert"`
		ExtJWT *struct {
			Allowed        *bool     `json:"allowed"`
			AllowedSigners *[]string `json:"allowedSigners"`
		} `json:"extJwt"`
		Updb *struct {
			Allowed                *bool  `json:"allowed"`
			MaxAttempts            *int64 `json:"maxAttempts"`
			LockoutDurationMinutes *int64 `json:"lockoutDurationMinutes"`
			MinPasswordLength      *int64 `json:"minPasswordLength"`
			RequireMixedCase       *bool  `json:"requireMixedCase"`
			RequireNumberChar      *bool  `json:"requireNumberChar"`
			RequireSpecialChar     *bool  `json:"requireSpecialChar"`
		} `json:"updb"`
	} `json:"primary"`
	Secondary *struct {
		RequireTotp         *bool      `json:"requireTotp"`
		RequireExtJWTSigner sentString `json:"requireExtJwtSigner"`
	} `json:"secondary"`
}

// sentString is an optional string field that remembers whether the body
// sent it, null included (a PATCH sends null to clear it).
type sentString struct {
	Sent  bool
	Value *string
}

// UnmarshalJSON implements json.Unmarshaler; it is called for null too.
func (s *sentString) UnmarshalJSON(b []byte) error {
	s.Sent = true
	return json.Unmarshal(b, &s.Value)
}

// AuthPolicies are the rules of auth policies: the signers a policy names
// exist; the default policy and policies in use cannot be deleted.
var AuthPolicies = &Kind[store.AuthPolicy, AuthPolicyInput]{
	Name:  "auth policy",
	Store: store.AuthPolicies,
	Apply: (*AuthPolicyInput).apply,
	Check: func(tx *store.Tx, v *store.AuthPolicy) error {
		for i, id := range v.Primary.ExtJWT.AllowedSigners {
			if err := signerExists(tx, fmt.Sprintf("primary.extJwt.allowedSigners[%d]", i), id); err != nil {
				return err
			}
		}
		if id := v.Secondary.RequireExtJWTSigner; id != nil {
			return signerExists(tx, "secondary.requireExtJwtSigner", *id)
		}
		return nil
	},
	CanDelete: func(_ *store.Tx, v *store.AuthPolicy) error {
		if v.ID == DefaultAuthPolicyID {
			return Errorf(http.StatusConflict, CodeReferenced, "the default auth policy cannot be deleted: change it instead")
		}
		return nil // one in use is refused by the store
	},
}

// fields copies the sent fields (on create and PUT: all of them, or a 400
// naming the first one missing) onto dst.
type fields struct {
	patch bool
	err   error
}

// group returns whether a nested object was sent, noting it as missing
// when a create or PUT leaves it out.
func (f *fields) group(path string, sent bool) bool {
	if !sent && !f.patch && f.err == nil {
		f.err = FieldInvalid(path, nil, "is required")
	}
	return sent
}

func set[T any](f *fields, path string, in *T, dst *T) {
	switch {
	case in != nil:
		*dst = *in
	case !f.patch && f.err == nil:
		f.err = FieldInvalid(path, nil, "is required")
	}
}

func (in *AuthPolicyInput) apply(v *store.AuthPolicy, _ Keys, patch bool) error {
	f := &fields{patch: patch}
	if p := in.Primary; f.group("primary", p != nil) {
		if c := p.Cert; f.group("primary.cert", c != nil) {
			set(f, "primary.cert.allowed", c.Allowed, &v.Primary.Cert.Allowed)
			set(f, "primary.cert.allowExpiredCerts", c.AllowExpiredCerts, &v.Primary.Cert.AllowExpiredCerts)
		}
		if e := p.ExtJWT; f.group("primary.extJwt", e != nil) {
			set(f, "primary.extJwt.allowed", e.Allowed, &v.Primary.ExtJWT.Allowed)
			set(f, "primary.extJwt.allowedSigners", e.AllowedSigners, &v.Primary.ExtJWT.AllowedSigners)
		}
		if u := p.Updb; f.group("primary.updb", u != nil) {
			d := &v.Primary.Updb
			set(f, "primary.updb.allowed", u.Allowed, &d.Allowed)
			set(f, "primary.updb.maxAttempts", u.MaxAttempts, &d.MaxAttempts)
			set(f, "primary.updb.lockoutDurationMinutes", u.LockoutDurationMinutes, &d.LockoutDurationMinutes)
			set(f, "primary.updb.minPasswordLength", u.MinPasswordLength, &d.MinPasswordLength)
			set(f, "primary.updb.requireMixedCase", u.RequireMixedCase, &d.RequireMixedCase)
			set(f, "primary.updb.requireNumberChar", u.RequireNumberChar, &d.RequireNumberChar)
			set(f, "primary.updb.requireSpecialChar", u.RequireSpecialChar, &d.RequireSpecialChar)
		}
	}
	if s := in.Secondary; f.group("secondary", s != nil) {
		set(f, "secondary.requireTotp", s.RequireTotp, &v.Secondary.RequireTotp)
		// Optional: absent, null or "" means no required signer.
		if r := s.RequireExtJWTSigner; r.Sent || !patch {
			v.Secondary.RequireExtJWTSigner = nil
			if r.Value != nil && *r.Value != "" {
				id := *r.Value
				v.Secondary.RequireExtJWTSigner = &id
			}
		}
	}
	if f.err != nil {
		return f.err
	}
	if v.Primary.ExtJWT.AllowedSigners == nil {
		v.Primary.ExtJWT.AllowedSigners = []string{}
	}
	u := v.Primary.Updb
	if u.MaxAttempts < 0 {
		return FieldInvalid("primary.updb.maxAttempts", u.MaxAttempts, "must be 0 (never lock) or a number of failed attempts")
	}
	if u.LockoutDurationMinutes < 0 {
		return FieldInvalid("primary.updb.lockoutDurationMinutes", u.LockoutDurationMinutes, "must be 0 (locked until an admin enables the identity) or a number of minutes")
	}
	if u.MinPasswordLength < 0 || u.MinPasswordLength > maxPasswordLength {
		return FieldInvalid("primary.updb.minPasswordLength", u.MinPasswordLength, "must be between 0 and %d", maxPasswordLength)
	}
	return nil
}

// signerExists refuses a reference to an external JWT signer that does
// not exist.
func signerExists(tx *store.Tx, field, id string) error {
	if _, err := store.ExternalJWTSigners.Get(tx, id); err != nil {
		return &Error{Status: http.StatusBadRequest, Code: CodeReferenceNotFound,
			Message: "external JWT signer " + quote(id) + " was not found: name the id of an existing signer",
			Cause:   &FieldError{Field: field, Reason: "not found", Value: id}}
	}
	return nil
}

// Passwords: at least minPasswordLength (and never under 5, as the Edge
// API specification requires of every updb password), at most 100.
const (
	minPasswordLength = 5
	maxPasswordLength = 100
)

// CheckPassword checks a password being set against the rules of the
// auth policy p.
func CheckPassword(p *store.AuthPolicy, password string) error {
	u := p.Primary.Updb
	n := len([]rune(password))
	lo := max(int64(minPasswordLength), u.MinPasswordLength)
	if int64(n) < lo || n > maxPasswordLength {
		return FieldInvalid("password", nil, "must be %d to %d characters (auth policy %q)", lo, maxPasswordLength, p.Name)
	}
	var upper, lower, digit, special bool
	for _, r := range password {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case !unicode.IsLetter(r) && !unicode.IsSpace(r):
			special = true
		}
	}
	var missing []string
	if u.RequireMixedCase && (!upper || !lower) {
		missing = append(missing, "an upper and a lower case letter")
	}
	if u.RequireNumberChar && !digit {
		missing = append(missing, "a digit")
	}
	if u.RequireSpecialChar && !special {
		missing = append(missing, "a special character (neither a letter, a digit nor a space)")
	}
	if len(missing) > 0 {
		return FieldInvalid("password", nil, "must contain %s (auth policy %q)", strings.Join(missing, ", "), p.Name)
	}
	return nil
}

// checkNewPassword checks a password the identity identityID is setting
// against the rules of its auth policy.
func (c *Controller) checkNewPassword(identityID, password string) error {
	p, err := store.Read(c.DB, func(tx *store.Tx) (*store.AuthPolicy, error) {
		v, err := tx.GetIdentity(identityID)
		if err != nil {
			return nil, NotFound("identity", identityID)
		}
		return PolicyOf(tx, v)
	})
	if err != nil {
		return err
	}
	return CheckPassword(p, password)
}

// PolicyOf returns the auth policy of an identity.
func PolicyOf(tx *store.Tx, v *store.Identity) (*store.AuthPolicy, error) {
	id := v.AuthPolicyID
	if id == "" {
		id = DefaultAuthPolicyID
	}
	return store.AuthPolicies.Get(tx, id)
}

// loginRefused is the answer to every refused login: it never says why
// (the reason is logged), so it tells a guesser nothing.
func loginRefused() error {
	return Errorf(http.StatusUnauthorized, CodeInvalidAuth, "the authentication request failed: the credentials are wrong, the identity has no such authenticator, or its auth policy refuses it")
}

// Admit decides, in tx, whether identityID may log in with method (and,
// for ext-jwt, the signer signerID): it exists, is not disabled, and its
// auth policy allows the method and signer. Refusals are logged with the
// reason and answered with loginRefused.
func (c *Controller) Admit(tx *store.Tx, identityID, method, signerID string) (*store.Identity, *store.AuthPolicy, error) {
	refuse := func(reason string) (*store.Identity, *store.AuthPolicy, error) {
		c.logger().Info("login refused", "identity", identityID, "method", method, "reason", reason)
		return nil, nil, loginRefused()
	}
	v, err := tx.GetIdentity(identityID)
	if err != nil {
		return refuse("the identity does not exist")
	}
	if v.IsDisabled(c.now()) {
		return refuse("the identity is disabled")
	}
	p, err := PolicyOf(tx, v)
	if err != nil {
		return refuse("the identity's auth policy does not exist")
	}
	allowed := false
	switch method {
	case MethodPassword:
		allowed = p.Primary.Updb.Allowed
	case MethodCert:
		allowed = p.Primary.Cert.Allowed
	case MethodExtJWT:
		e := p.Primary.ExtJWT
		allowed = e.Allowed && (len(e.AllowedSigners) == 0 || contains(e.AllowedSigners, signerID))
	}
	if !allowed {
		return refuse(fmt.Sprintf("auth policy %s does not allow this method or signer", p.ID))
	}
	return v, p, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Secondary applies the secondary factors of the policy p to a login of
// identityID that passed its primary method; bearer is the request's
// bearer token, if any. A required external JWT signer must have signed
// bearer for the same identity. TOTP is not implemented by controllersrv,
// so a policy that requires it refuses every login (rather than letting
// the identity in without it).
func (c *Controller) Secondary(ctx context.Context, p *store.AuthPolicy, identityID, bearer string) error {
	refuse := func(reason string) error {
		c.logger().Info("login refused", "identity", identityID, "reason", reason)
		return loginRefused()
	}
	if p.Secondary.RequireTotp {
		return refuse(fmt.Sprintf("auth policy %s requires TOTP, which this controller does not implement", p.ID))
	}
	want := p.Secondary.RequireExtJWTSigner
	if want == nil {
		return nil
	}
	if bearer == "" {
		return refuse(fmt.Sprintf("auth policy %s requires a JWT of external JWT signer %s as the bearer token", p.ID, *want))
	}
	id, signer, err := c.verifyExtJWT(ctx, bearer)
	if err != nil {
		return err
	}
	if id != identityID || signer != *want {
		return refuse(fmt.Sprintf("the bearer JWT is not one of external JWT signer %s for this identity", *want))
	}
	return nil
}

// ExpiredCertAllowed reports whether the auth policy of identityID lets
// it log in with an expired certificate (allowExpiredCerts).
func (c *Controller) ExpiredCertAllowed(identityID string) bool {
	p, err := store.Read(c.DB, func(tx *store.Tx) (*store.AuthPolicy, error) {
		v, err := tx.GetIdentity(identityID)
		if err != nil {
			return nil, err
		}
		return PolicyOf(tx, v)
	})
	return err == nil && p.Primary.Cert.AllowExpiredCerts
}

// PasswordLogin checks a username and password (method=password). The
// identity's policy is applied before the password is hashed, so a
// locked or refused identity costs no key derivation; a wrong password
// counts towards the policy's maxAttempts, and reaching it disables the
// identity for lockoutDurationMinutes (0: until an admin enables it).
func (c *Controller) PasswordLogin(username, password string) (identityID, authenticatorID string, err error) {
	var au *store.Authenticator
	var p *store.AuthPolicy
	err = c.DB.View(func(tx *store.Tx) error {
		a, err := tx.AuthenticatorByUsername(username)
		if err != nil {
			return err
		}
		_, pol, err := c.Admit(tx, a.IdentityID, MethodPassword, "")
		au, p = a, pol
		return err
	})
	if au == nil {
		// Spend the same key derivation time as a real check so that the
		// response time does not reveal which usernames exist.
		_, _ = auth.CheckPassword(dummyHash(), password)
		c.logger().Info("login refused", "method", MethodPassword, "username", username, "reason", "no such username")
		return "", "", loginRefused()
	}
	if err != nil {
		return "", "", err
	}
	if ok, err := auth.CheckPassword(au.PasswordHash, password); err != nil || !ok {
		c.passwordFailed(au, username, p)
		return "", "", loginRefused()
	}
	c.attempts().Reset(au.ID)
	return au.IdentityID, au.ID, nil
}

// passwordFailed counts a wrong password of au and locks its identity
// when the count reaches the policy's maxAttempts.
func (c *Controller) passwordFailed(au *store.Authenticator, username string, p *store.AuthPolicy) {
	n := c.attempts().Fail(au.ID)
	c.logger().Info("login refused", "identity", au.IdentityID, "method", MethodPassword, "username", username, "reason", "wrong password", "failures", n)
	limit := p.Primary.Updb.MaxAttempts
	if limit <= 0 || n < limit {
		return
	}
	c.attempts().Reset(au.ID)
	d := time.Duration(p.Primary.Updb.LockoutDurationMinutes) * time.Minute
	if err := c.DisableIdentity(au.IdentityID, d); err != nil {
		c.logger().Error("locking an identity failed", "identity", au.IdentityID, "error", err)
		return
	}
	c.logger().Warn("identity locked after failed password attempts", "identity", au.IdentityID, "failures", n, "authPolicy", p.ID, "lockoutMinutes", p.Primary.Updb.LockoutDurationMinutes)
}

// attempts is the controller's failed-attempt counter.
func (c *Controller) attempts() *auth.Attempts {
	if c.Attempts == nil {
		return fallbackAttempts
	}
	return c.Attempts
}

// fallbackAttempts counts for a Controller built without Attempts.
var fallbackAttempts = auth.NewAttempts()

// dummyHash is made on first use, not at init: every importer would pay
// for an argon2 hash otherwise.
var dummyHash = sync.OnceValue(func() string {
	h, _ := auth.HashPassword("not-a-real-password")
	return h
})
