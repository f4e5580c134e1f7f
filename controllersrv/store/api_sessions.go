package store

import (
	"errors"
	"time"
)

// APISession is a stored API session, so that a controller restart keeps
// clients logged in. The token itself is never stored, only its SHA-256
// (TokenHash): a copy of the database file lets nobody in.
type APISession struct {
	ID              string    `json:"id"`
	TokenHash       string    `json:"tokenHash"`
	IdentityID      string    `json:"identityId"`
	AuthenticatorID string    `json:"authenticatorId"`
	Method          string    `json:"method"`
	IPAddress       string    `json:"ipAddress"`
	ConfigTypes     []string  `json:"configTypes"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
	LastActivityAt  time.Time `json:"lastActivityAt"`
}

// APISessions stores API sessions, indexed by identity so that the change
// that ends them (deleting the identity or the authenticator a session was
// made with, disabling the identity) drops them in its own transaction.
// Lookups by token go through the session table in memory (package auth),
// which loads every record at start; each request also checks that its
// session's record still exists (HasAPISession), so a session ends for
// every request that starts after that transaction commits.
var APISessions = &Kind[APISession]{
	Bucket: BucketAPISessions,
	ID:     func(v *APISession) string { return v.ID },
	Unique: []Unique[APISession]{
		{Index: idxAPISessionIdentity, Field: "identityId", Key: func(v *APISession) string { return ofIdentity(v.IdentityID, v.ID) }},
	},
}

// GetAPISession reads one API session.
func (t *Tx) GetAPISession(id string) (*APISession, error) { return APISessions.Get(t, id) }

// PutAPISession creates or replaces an API session.
func (t *Tx) PutAPISession(v *APISession) error { return APISessions.Put(t, v) }

// DeleteAPISession removes an API session; a missing one is no error (a
// logout racing the sweep of its expiry).
func (t *Tx) DeleteAPISession(id string) error {
	if err := APISessions.Delete(t, id); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// HasAPISession reports whether the session id of the identity identityID
// is stored (an index lookup: it runs on every authenticated request).
func (t *Tx) HasAPISession(identityID, id string) bool {
	return identityID != "" && t.IndexGet(idxAPISessionIdentity, ofIdentity(identityID, id)) == id
}

// ListAPISessions returns every API session in id order.
func (t *Tx) ListAPISessions() ([]*APISession, error) { return APISessions.List(t) }

// DropAPISessions deletes the API sessions of an identity, as OpenZiti
// does when it disables one.
func (t *Tx) DropAPISessions(identityID string) error {
	return t.dropAPISessionsWhere(identityID, func(*APISession) bool { return true })
}

// dropAPISessionsOf deletes the API sessions made with the authenticator
// au: OpenZiti deletes them with the authenticator (a DELETE or a
// re-enroll), while a new password or certificate keeps them.
func (t *Tx) dropAPISessionsOf(au *Authenticator) error {
	return t.dropAPISessionsWhere(au.IdentityID, func(s *APISession) bool { return s.AuthenticatorID == au.ID })
}

func (t *Tx) dropAPISessionsWhere(identityID string, match func(*APISession) bool) error {
	for _, id := range t.IndexPrefix(idxAPISessionIdentity, identityID+"/") {
		s, err := t.GetAPISession(id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if !match(s) {
			continue
		}
		if err := t.DeleteAPISession(id); err != nil {
			return err
		}
	}
	return nil
}
