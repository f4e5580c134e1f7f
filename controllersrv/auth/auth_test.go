package auth

import (
	"strings"
	"testing"
	"time"
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

func TestSessionIdleExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSessions(30 * time.Minute)
	s.SetClock(func() time.Time { return now })
	sess := s.Create("id1", "auth1", "password", "127.0.0.1")
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
	b := s.Create("id2", "a", "cert", "")
	s.DeleteIdentity("id2")
	if _, ok := s.Touch(b.Token); ok {
		t.Fatal("session of a deleted identity survived")
	}
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
