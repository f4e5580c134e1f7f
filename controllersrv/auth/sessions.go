package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// Session is an API session.
type Session struct {
	ID string
	// Token is the secret the client sends; it is set on the session
	// Create returns and on the copies Touch returns (from the token the
	// client sent), never kept in the table or the store.
	Token           string
	IdentityID      string
	AuthenticatorID string
	Method          string // password | cert
	IPAddress       string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	LastActivityAt  time.Time
	// ConfigTypes are the config types (names or ids, or "all") whose
	// configs the client wants in its service lists, sent at login.
	ConfigTypes []string
}

// ExpiresAt is when the session expires if it stays idle.
func (s *Session) ExpiresAt(idle time.Duration) time.Time { return s.LastActivityAt.Add(idle) }

// TokenHash is the key of a token in the table and the store: its
// SHA-256, hex-encoded. Tokens are random UUIDs (122 random bits), so an
// unsalted fast hash is enough to make the stored value useless to a
// thief, and it keeps the lookup of a request's token one map access.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// entry is a live session in the table.
type entry struct {
	Session
	hash string
	// saved is the LastActivityAt the store holds.
	saved time.Time
}

// Sessions is the API session table with idle expiry. Every session is
// kept in memory, keyed by its token's hash, and in the store, which is
// loaded at start, so a restart keeps clients logged in. Creating and
// ending a session are durable before they return; activity is written
// back to the store in batches by Flush (see FlushInterval).
type Sessions struct {
	Idle time.Duration

	db         *store.DB
	mu         sync.Mutex
	now        func() time.Time
	byHash     map[string]*entry
	byIdentity map[string]map[string]*entry // identity id -> token hash -> entry
}

// SetClock replaces the clock (tests move time forward with it).
func (s *Sessions) SetClock(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// NewSessions makes a session table with the given idle timeout, loading
// the sessions stored in db. Sessions that expired while the controller
// was down, and those of identities that no longer exist, are deleted.
func NewSessions(db *store.DB, idle time.Duration) (*Sessions, error) {
	s := &Sessions{Idle: idle, db: db, now: time.Now, byHash: map[string]*entry{}, byIdentity: map[string]map[string]*entry{}}
	now := time.Now().UTC()
	err := db.Update(func(tx *store.Tx) error {
		clear(s.byHash)
		clear(s.byIdentity)
		all, err := tx.ListAPISessions()
		if err != nil {
			return err
		}
		for _, r := range all {
			if _, err := tx.GetIdentity(r.IdentityID); err != nil || now.After(r.LastActivityAt.Add(idle)) {
				if err := tx.DeleteAPISession(r.ID); err != nil {
					return err
				}
				continue
			}
			s.add(&entry{Session: fromRecord(r), hash: r.TokenHash, saved: r.LastActivityAt})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("db: loading the API sessions: %w", err)
	}
	return s, nil
}

// ErrCredentialsChanged is Create's error when the identity or the
// authenticator was deleted after the credentials were checked: the login
// must fail as it would a moment later.
var ErrCredentialsChanged = errors.New("the identity or its authenticator changed during the login")

// Create starts a session for an identity; it is stored before Create
// returns. authenticatorID is the authenticator the password or
// certificate matched ("" for a certificate matched by externalId; for
// ext-jwt, the signer): deleting that authenticator ends the session.
// admit, when set, runs in the transaction that stores the session and
// refuses it with its error: the login's own checks (identity enabled,
// method allowed), decided again in the same transaction as the write, so
// that a disable committed after the first check still wins.
func (s *Sessions) Create(identityID, authenticatorID, method, ip string, admit func(*store.Tx) error, configTypes ...string) (*Session, error) {
	s.mu.Lock()
	now := s.now().UTC()
	s.mu.Unlock()
	token := UUID()
	e := &entry{Session: Session{
		ID: RandomID(), IdentityID: identityID, AuthenticatorID: authenticatorID,
		Method: method, IPAddress: ip, CreatedAt: now, UpdatedAt: now, LastActivityAt: now,
		ConfigTypes: configTypes,
	}, hash: TokenHash(token), saved: now}
	var refused error
	err := s.db.Update(func(tx *store.Tx) error {
		// Serialized with the transactions that drop sessions (deleting
		// the identity or the authenticator, disabling the identity): a
		// login racing one leaves no session behind.
		if _, err := tx.GetIdentity(identityID); err != nil {
			return ErrCredentialsChanged
		}
		if (method == "password" || method == "cert") && authenticatorID != "" {
			if au, err := tx.GetAuthenticator(authenticatorID); err != nil || au.IdentityID != identityID {
				return ErrCredentialsChanged
			}
		}
		if admit != nil {
			if refused = admit(tx); refused != nil {
				return refused
			}
		}
		return tx.PutAPISession(e.record())
	})
	if refused != nil || errors.Is(err, ErrCredentialsChanged) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("storing the API session: %w", err)
	}
	s.mu.Lock()
	s.add(e)
	s.mu.Unlock()
	out := e.Session
	out.Token = token
	return &out, nil
}

// Touch returns the live session for token and records activity; expired
// sessions are removed and reported as missing. It never writes the store
// itself (Flush does): a write per request would cost a commit and an
// fsync per authenticated request.
func (s *Sessions) Touch(token string) (Session, bool) {
	h := TokenHash(token)
	s.mu.Lock()
	now := s.now().UTC()
	e, ok := s.byHash[h]
	if !ok {
		s.mu.Unlock()
		return Session{}, false
	}
	if now.After(e.LastActivityAt.Add(s.Idle)) {
		s.remove(e)
		s.mu.Unlock()
		s.drop(e.ID)
		return Session{}, false
	}
	if now.After(e.LastActivityAt) {
		e.LastActivityAt = now
	}
	out := e.Session
	s.mu.Unlock()
	out.Token = token
	return out, true
}

// Delete ends the session of token, in memory at once and in the store
// before it returns.
func (s *Sessions) Delete(token string) error {
	s.mu.Lock()
	e, ok := s.byHash[TokenHash(token)]
	if ok {
		s.remove(e)
	}
	s.mu.Unlock()
	if !ok {
		return nil
	}
	return s.db.Update(func(tx *store.Tx) error { return tx.DeleteAPISession(e.ID) })
}

// Prune drops from memory the sessions of an identity whose records are
// no longer stored: the transaction that deleted the identity, deleted
// an authenticator or disabled the identity dropped them (see
// store.APISessions). Requests already refuse such a session (Live);
// this frees the memory at once.
func (s *Sessions) Prune(identityID string) {
	s.mu.Lock()
	held := make([]*entry, 0, len(s.byIdentity[identityID]))
	for _, e := range s.byIdentity[identityID] {
		held = append(held, e)
	}
	s.mu.Unlock()
	var gone []*entry
	_ = s.db.View(func(tx *store.Tx) error {
		for _, e := range held {
			if !tx.HasAPISession(identityID, e.ID) {
				gone = append(gone, e)
			}
		}
		return nil
	})
	s.mu.Lock()
	for _, e := range gone {
		if s.byHash[e.hash] == e {
			s.remove(e)
		}
	}
	s.mu.Unlock()
}

// Live reports whether the session sess (from Touch) is still stored,
// read in the request's own transaction tx: a change that ended it
// committed before tx began ends it for this request.
func Live(tx *store.Tx, sess Session) bool { return tx.HasAPISession(sess.IdentityID, sess.ID) }

// HasIdentity reports whether an identity has a live session, as tx sees
// the store.
func (s *Sessions) HasIdentity(tx *store.Tx, identityID string) bool {
	s.mu.Lock()
	now := s.now().UTC()
	var ids []string
	for _, e := range s.byIdentity[identityID] {
		if !now.After(e.LastActivityAt.Add(s.Idle)) {
			ids = append(ids, e.ID)
		}
	}
	s.mu.Unlock()
	for _, id := range ids {
		if tx.HasAPISession(identityID, id) {
			return true
		}
	}
	return false
}

// FlushInterval is how often the server calls Flush: the most recent
// activity a crash can lose, so a session can expire at most this much
// early after one. It is a small part of the idle timeout, and at most
// 30 seconds, so that a client polling every second costs one store
// write per half minute instead of thirty.
func (s *Sessions) FlushInterval() time.Duration {
	return min(30*time.Second, max(s.Idle/10, time.Second))
}

// Flush writes the activity of the sessions used since their last write
// to the store, in one transaction, and deletes the expired ones. The
// server calls it every FlushInterval and when it stops.
func (s *Sessions) Flush() error {
	s.mu.Lock()
	now := s.now().UTC()
	var save []*store.APISession
	var expired []string
	for _, e := range s.byHash {
		switch {
		case now.After(e.LastActivityAt.Add(s.Idle)):
			s.remove(e)
			expired = append(expired, e.ID)
		case !e.LastActivityAt.Equal(e.saved):
			e.saved = e.LastActivityAt
			save = append(save, e.record())
		}
	}
	s.mu.Unlock()
	if len(save) == 0 && len(expired) == 0 {
		return nil
	}
	return s.db.Update(func(tx *store.Tx) error {
		for _, r := range save {
			// A session ended meanwhile (logout, its identity
			// deleted) stays ended.
			if _, err := tx.GetAPISession(r.ID); err != nil {
				continue
			}
			if err := tx.PutAPISession(r); err != nil {
				return err
			}
		}
		for _, id := range expired {
			if err := tx.DeleteAPISession(id); err != nil {
				return err
			}
		}
		return nil
	})
}

// drop deletes an expired session's record; a failure only delays that
// to the next Flush or start, which drop expired sessions too.
func (s *Sessions) drop(id string) {
	_ = s.db.Update(func(tx *store.Tx) error { return tx.DeleteAPISession(id) })
}

// add and remove keep both maps in step; the caller holds mu.
func (s *Sessions) add(e *entry) {
	s.byHash[e.hash] = e
	m := s.byIdentity[e.IdentityID]
	if m == nil {
		m = map[string]*entry{}
		s.byIdentity[e.IdentityID] = m
	}
	m[e.hash] = e
}

func (s *Sessions) remove(e *entry) {
	delete(s.byHash, e.hash)
	if m := s.byIdentity[e.IdentityID]; m != nil {
		delete(m, e.hash)
		if len(m) == 0 {
			delete(s.byIdentity, e.IdentityID)
		}
	}
}

func (e *entry) record() *store.APISession {
	return &store.APISession{
		ID: e.ID, TokenHash: e.hash, IdentityID: e.IdentityID, AuthenticatorID: e.AuthenticatorID,
		Method: e.Method, IPAddress: e.IPAddress, ConfigTypes: e.ConfigTypes,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt, LastActivityAt: e.LastActivityAt,
	}
}

func fromRecord(r *store.APISession) Session {
	return Session{
		ID: r.ID, IdentityID: r.IdentityID, AuthenticatorID: r.AuthenticatorID,
		Method: r.Method, IPAddress: r.IPAddress, ConfigTypes: r.ConfigTypes,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, LastActivityAt: r.LastActivityAt,
	}
}

// UUID returns a random RFC 4122 version 4 UUID.
func UUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// RandomID returns a 10-character alphanumeric entity id, like OpenZiti's
// short ids.
func RandomID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b[:])
}
