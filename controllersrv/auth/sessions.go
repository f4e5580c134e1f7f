package auth

import (
	"crypto/rand"
	"fmt"
	"sync"
	"time"
)

// Session is an API session. Sessions live in memory: a controller restart
// logs every client out, which clients handle by authenticating again.
type Session struct {
	ID              string
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

// Sessions is the in-memory session table with idle expiry.
type Sessions struct {
	Idle time.Duration

	mu      sync.RWMutex
	now     func() time.Time
	byToken map[string]*Session
}

// SetClock replaces the clock (tests move time forward with it).
func (s *Sessions) SetClock(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// NewSessions makes a session table with the given idle timeout.
func NewSessions(idle time.Duration) *Sessions {
	return &Sessions{Idle: idle, now: time.Now, byToken: map[string]*Session{}}
}

// Create starts a session for an identity.
func (s *Sessions) Create(identityID, authenticatorID, method, ip string, configTypes ...string) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	sess := &Session{
		ID: RandomID(), Token: UUID(), IdentityID: identityID, AuthenticatorID: authenticatorID,
		Method: method, IPAddress: ip, CreatedAt: now, UpdatedAt: now, LastActivityAt: now,
		ConfigTypes: configTypes,
	}
	s.byToken[sess.Token] = sess
	return sess
}

// Touch returns the live session for token and records activity; expired
// sessions are removed and reported as missing.
func (s *Sessions) Touch(token string) (Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	sess, ok := s.byToken[token]
	if !ok {
		return Session{}, false
	}
	if now.After(sess.LastActivityAt.Add(s.Idle)) {
		delete(s.byToken, token)
		return Session{}, false
	}
	sess.LastActivityAt = now
	return *sess, true
}

// Delete ends a session.
func (s *Sessions) Delete(token string) {
	s.mu.Lock()
	delete(s.byToken, token)
	s.mu.Unlock()
}

// DeleteIdentity ends every session of an identity (when it is deleted).
func (s *Sessions) DeleteIdentity(identityID string) {
	s.mu.Lock()
	for t, sess := range s.byToken {
		if sess.IdentityID == identityID {
			delete(s.byToken, t)
		}
	}
	s.mu.Unlock()
}

// HasIdentity reports whether an identity has a live session.
func (s *Sessions) HasIdentity(identityID string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	now := s.now().UTC()
	for _, sess := range s.byToken {
		if sess.IdentityID == identityID && !now.After(sess.LastActivityAt.Add(s.Idle)) {
			return true
		}
	}
	return false
}

// Sweep drops expired sessions; the server calls it periodically.
func (s *Sessions) Sweep() {
	s.mu.Lock()
	now := s.now().UTC()
	for t, sess := range s.byToken {
		if now.After(sess.LastActivityAt.Add(s.Idle)) {
			delete(s.byToken, t)
		}
	}
	s.mu.Unlock()
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
