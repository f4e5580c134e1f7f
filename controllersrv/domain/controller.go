// Package domain holds controllersrv's rules, between the HTTP handlers
// (package api: decode, authorize, render) and the database (package
// store): what a valid entity is, what creating, updating and deleting one
// does, how enrollment tokens are made and used, how a third-party CA is
// verified, how routers enroll and certificates are extended. Everything
// here runs without HTTP, so it can be tested without a server.
//
// Errors are *Error values carrying the Edge API status and code that the
// api package renders as they are.
package domain

import (
	"crypto/x509"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/jwtsign"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Controller is the controller's state the rules work on.
type Controller struct {
	DB     *store.DB
	Logger *slog.Logger
	// Signer signs enrollment JWTs with the web identity's TLS key.
	Signer *jwtsign.Signer
	// SigningCA signs enrolled identities' certificates.
	SigningCA *pki.Issuer
	// CABundle is the trust bundle handed to clients (EST cacerts, `ca`).
	CABundle []*x509.Certificate
	// IssuerURL is https://<edge.api.address>, the JWT iss.
	IssuerURL string
	// EnrollmentDuration is the default enrollment token lifetime.
	EnrollmentDuration time.Duration
	// RouterEnrollmentDuration is the default router token lifetime.
	RouterEnrollmentDuration time.Duration
	// ClientCertValidity is the lifetime of enrolled identities' certs.
	ClientCertValidity time.Duration
	// Now is the clock; tests may replace it. Nil means time.Now.
	Now func() time.Time
	// Attempts counts failed password logins per authenticator (auth
	// policy lockout). Share one between the copies of a Controller.
	Attempts *auth.Attempts
	// JWKS caches the keys of external JWT signers' JWKS endpoints. Share
	// one between the copies of a Controller.
	JWKS *JWKSCache
	// Changes is when an entity was last written (what clients polling
	// for service updates compare). Share one between the copies of a
	// Controller; nil keeps no clock.
	Changes *ChangeClock
}

// ChangeClock is when an entity was last created, changed or deleted
// through a Kind, or when it was made.
type ChangeClock struct {
	at atomic.Int64 // unix nanoseconds
}

// NewChangeClock starts a clock at now.
func NewChangeClock(now time.Time) *ChangeClock {
	c := &ChangeClock{}
	c.at.Store(now.UnixNano())
	return c
}

// LastChange is when an entity was last written, or when the clock
// started (the zero time without a clock).
func (c *Controller) LastChange() time.Time {
	if c.Changes == nil {
		return time.Time{}
	}
	return time.Unix(0, c.Changes.at.Load()).UTC()
}

// write runs a write transaction; when it commits, the change clock moves.
func (c *Controller) write(fn func(*store.Tx) error) error {
	err := c.DB.Update(fn)
	if err == nil && c.Changes != nil {
		c.Changes.at.Store(c.now().UnixNano())
	}
	return err
}

// now is the controller's clock in UTC.
func (c *Controller) now() time.Time {
	if c.Now == nil {
		return time.Now().UTC()
	}
	return c.Now().UTC()
}

// logger is the controller's logger, or one that discards.
func (c *Controller) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}
