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

// APISessions stores API sessions, indexed by identity so that deleting an
// identity drops its sessions in the same transaction. Lookups by token go
// through the session table in memory (package auth), which loads every
// record at start.
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

// ListAPISessions returns every API session in id order.
func (t *Tx) ListAPISessions() ([]*APISession, error) { return APISessions.List(t) }

// dropAPISessions deletes the API sessions of an identity.
func dropAPISessions(t *Tx, identityID string) error {
	for _, id := range t.IndexPrefix(idxAPISessionIdentity, identityID+"/") {
		if err := t.DeleteAPISession(id); err != nil {
			return err
		}
	}
	return nil
}
