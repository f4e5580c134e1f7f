package store

import (
	"path/filepath"
	"testing"
)

// TestDefaultAuthPolicySeeded: a new database has the default auth
// policy; one that lost it (made before policies were stored) gets it back
// on open; a changed default is kept as changed.
func TestDefaultAuthPolicySeeded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctrl.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	read := func(db *DB) *AuthPolicy {
		p, err := Read(db, func(tx *Tx) (*AuthPolicy, error) { return AuthPolicies.Get(tx, DefaultAuthPolicyID) })
		if err != nil {
			t.Fatalf("no default auth policy: %v", err)
		}
		return p
	}
	if p := read(db); p.Name != "Default" || !p.Primary.Updb.Allowed || p.Primary.Updb.MinPasswordLength != 5 {
		t.Fatalf("default policy %+v", p)
	}
	if err := db.Update(func(tx *Tx) error { return AuthPolicies.Delete(tx, DefaultAuthPolicyID) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(path); err != nil {
		t.Fatal(err)
	}
	p := read(db)
	p.Primary.Updb.MaxAttempts = 9
	if err := db.Update(func(tx *Tx) error { return AuthPolicies.Put(tx, p) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := read(db).Primary.Updb.MaxAttempts; got != 9 {
		t.Fatalf("reopening reset the changed default: maxAttempts %d", got)
	}
}
