package auth

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("s3cret!")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, "s3cret") {
		t.Fatalf("hash %q", h)
	}
	if ok, err := CheckPassword(h, "s3cret!"); !ok || err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if ok, _ := CheckPassword(h, "s3cret"); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword("s3cret!")
	if h == h2 {
		t.Fatal("no salt")
	}
	if _, err := CheckPassword("plain", "x"); err == nil {
		t.Fatal("garbage hash accepted")
	}
}

// testSessions opens a store in a temporary directory with one identity
// per id, each with a password authenticator "auth-<id>", and a session
// table on it.
func testSessions(t *testing.T, identities ...string) (*Sessions, *store.DB) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "ctrl.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.Update(func(tx *store.Tx) error {
		for _, id := range identities {
			if err := tx.PutIdentity(&store.Identity{Named: store.Named{ID: id, Name: id}}); err != nil {
				return err
			}
			if err := tx.PutAuthenticator(&store.Authenticator{ID: "auth-" + id, IdentityID: id, Method: "updb", Username: id}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSessions(db, 30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return s, db
}

func create(t *testing.T, s *Sessions, identityID string) *Session {
	t.Helper()
	sess, err := s.Create(identityID, "auth-"+identityID, "password", "127.0.0.1", nil)
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

func TestSessionIdleExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, db := testSessions(t, "id1", "id2")
	s.SetClock(func() time.Time { return now })
	sess := create(t, s, "id1")
	now = now.Add(29 * time.Minute)
	if _, ok := s.Touch(sess.Token); !ok {
		t.Fatal("session expired early")
	}
	// Activity slides the window.
	now = now.Add(29 * time.Minute)
	if _, ok := s.Touch(sess.Token); !ok {
		t.Fatal("activity did not extend the session")
	}
	now = now.Add(31 * time.Minute)
	if _, ok := s.Touch(sess.Token); ok {
		t.Fatal("idle session still valid")
	}
	if n := storedSessions(t, db); n != 0 {
		t.Fatalf("%d sessions stored after the only one expired, want 0", n)
	}
	b := create(t, s, "id2")
	if err := db.Update(func(tx *store.Tx) error { return tx.DeleteIdentity("id2") }); err != nil {
		t.Fatal(err)
	}
	s.Prune("id2")
	if _, ok := s.Touch(b.Token); ok {
		t.Fatal("session of a deleted identity survived")
	}
	if _, err := s.Create("no-such-identity", "a", "cert", "", nil); err == nil {
		t.Fatal("a session was created for an identity that does not exist")
	}
}

// TestSessionsEndWithTheirCredentials: deleting an authenticator drops
// the sessions made with it (and no other) in its own transaction, so
// Live refuses them before Prune frees them; disabling drops every
// session of the identity; a login that finds its authenticator deleted
// gets no session, nor one its admit check refuses in the same
// transaction.
func TestSessionsEndWithTheirCredentials(t *testing.T) {
	s, db := testSessions(t, "id1", "id2")
	pw, other := create(t, s, "id1"), create(t, s, "id2")
	ext, err := s.Create("id1", "signer-1", "ext-jwt", "127.0.0.1", nil)
	if err != nil {
		t.Fatal(err)
	}
	live := func(sess *Session) bool {
		t.Helper()
		got, ok := s.Touch(sess.Token)
		if !ok {
			return false
		}
		alive, err := store.Read(db, func(tx *store.Tx) (bool, error) { return Live(tx, got), nil })
		if err != nil {
			t.Fatal(err)
		}
		return alive
	}
	if err := db.Update(func(tx *store.Tx) error { return tx.DeleteAuthenticator("auth-id1") }); err != nil {
		t.Fatal(err)
	}
	if live(pw) || !live(ext) || !live(other) {
		t.Fatalf("after deleting auth-id1: password session live %t (want false), ext-jwt %t, id2's %t (want true)", live(pw), live(ext), live(other))
	}
	s.Prune("id1")
	if _, ok := s.Touch(pw.Token); ok {
		t.Fatal("Prune kept the session of the deleted authenticator")
	}
	if _, ok := s.Touch(ext.Token); !ok {
		t.Fatal("Prune dropped a session whose record is stored")
	}
	if _, err := s.Create("id1", "auth-id1", "password", "", nil); !errors.Is(err, ErrCredentialsChanged) {
		t.Fatalf("a login with a deleted authenticator: %v, want ErrCredentialsChanged", err)
	}

	err = db.Update(func(tx *store.Tx) error {
		v, err := tx.GetIdentity("id2")
		if err != nil {
			return err
		}
		at := time.Now()
		v.DisabledAt = &at
		if err := tx.PutIdentity(v); err != nil {
			return err
		}
		return tx.DropAPISessions("id2")
	})
	if err != nil {
		t.Fatal(err)
	}
	if live(other) {
		t.Fatal("a session of a disabled identity is live")
	}
	disabled := errors.New("disabled")
	if _, err := s.Create("id2", "auth-id2", "password", "", func(*store.Tx) error { return disabled }); !errors.Is(err, disabled) {
		t.Fatalf("a login refused in the write: %v, want its own error", err)
	}
	if n := storedSessions(t, db); n != 1 {
		t.Fatalf("%d sessions stored, want 1 (the ext-jwt one)", n)
	}
}

func storedSessions(t *testing.T, db *store.DB) int {
	t.Helper()
	all, err := store.Read(db, func(tx *store.Tx) ([]*store.APISession, error) { return tx.ListAPISessions() })
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

// TestSessionsStored: a second table on the same store (a restart) knows
// the sessions of the first, keyed by the token's hash, with the activity
// the first flushed; activity is written by Flush only, never per Touch;
// a logout and an identity's deletion are in the store at once.
func TestSessionsStored(t *testing.T) {
	now := time.Now().UTC()
	s, db := testSessions(t, "id1", "id2")
	s.SetClock(func() time.Time { return now })
	a, b, c := create(t, s, "id1"), create(t, s, "id1"), create(t, s, "id2")

	before := storedRecord(t, db, a.ID)
	if before.TokenHash != TokenHash(a.Token) || before.TokenHash == a.Token {
		t.Fatalf("stored token hash %q, want the SHA-256 of the token", before.TokenHash)
	}
	now = now.Add(time.Minute)
	for range 100 {
		if _, ok := s.Touch(a.Token); !ok {
			t.Fatal("live session refused")
		}
	}
	if got := storedRecord(t, db, a.ID).LastActivityAt; !got.Equal(before.LastActivityAt) {
		t.Fatalf("Touch wrote the store (lastActivityAt %v -> %v): activity is Flush's to write", before.LastActivityAt, got)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := storedRecord(t, db, a.ID).LastActivityAt; !got.Equal(now) {
		t.Fatalf("flushed lastActivityAt %v, want %v", got, now)
	}
	if err := s.Delete(b.Token); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *store.Tx) error { return tx.DeleteIdentity("id2") }); err != nil {
		t.Fatal(err)
	}

	again, err := NewSessions(db, 30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	again.SetClock(func() time.Time { return now })
	got, ok := again.Touch(a.Token)
	if !ok || got.ID != a.ID || got.IdentityID != "id1" || got.Token != a.Token || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("after reloading: %+v, %v; want session %s of id1", got, ok, a.ID)
	}
	if _, ok := again.Touch(b.Token); ok {
		t.Fatal("a logged-out session came back after reloading")
	}
	if _, ok := again.Touch(c.Token); ok {
		t.Fatal("the session of a deleted identity came back after reloading")
	}
	now = now.Add(31 * time.Minute)
	if _, ok := again.Touch(a.Token); ok {
		t.Fatal("idle session still valid after reloading")
	}
}

func storedRecord(t *testing.T, db *store.DB, id string) *store.APISession {
	t.Helper()
	r, err := store.Read(db, func(tx *store.Tx) (*store.APISession, error) { return tx.GetAPISession(id) })
	if err != nil {
		t.Fatalf("session %s: %v", id, err)
	}
	return r
}

func TestIDs(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := RandomID()
		if len(id) != 10 || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
	if u := UUID(); len(u) != 36 || u[14] != '4' {
		t.Fatalf("uuid %q", u)
	}
}
