package store

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "sub", "ctrl.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestUniqueNamesAndCascade(t *testing.T) {
	db := openTest(t)
	now := time.Now()
	err := db.Update(func(tx *Tx) error {
		if err := tx.PutIdentity(&Identity{ID: "a", Name: "one", CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.PutEnrollment(&Enrollment{ID: "e1", Method: "ott", IdentityID: "a", Token: "tok"}); err != nil {
			return err
		}
		return tx.PutAuthenticator(&Authenticator{ID: "au1", IdentityID: "a", Method: "updb", Username: "u1"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *Tx) error { return tx.PutIdentity(&Identity{ID: "b", Name: "one"}) })
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Field != "name" {
		t.Fatalf("duplicate name: %v", err)
	}
	// Renaming frees the old name.
	err = db.Update(func(tx *Tx) error {
		v, _ := tx.GetIdentity("a")
		v.Name = "uno"
		if err := tx.PutIdentity(v); err != nil {
			return err
		}
		return tx.PutIdentity(&Identity{ID: "b", Name: "one"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *Tx) error { return tx.DeleteIdentity("a") })
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *Tx) error {
		if _, err := tx.EnrollmentByToken("tok"); !errors.Is(err, ErrNotFound) {
			t.Errorf("enrollment survived its identity: %v", err)
		}
		if tx.UsernameTaken("u1") {
			t.Error("username of a deleted identity still taken")
		}
		if _, err := tx.IdentityByName("uno"); !errors.Is(err, ErrNotFound) {
			t.Error("name index kept a deleted identity")
		}
		if tx.Count(BucketIdentities) != 1 {
			t.Errorf("%d identities", tx.Count(BucketIdentities))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBatchedWritesAllCommit: concurrent writers share commits and every
// acknowledged write is there.
func TestBatchedWritesAllCommit(t *testing.T) {
	db := openTest(t)
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := string(rune('A'+i%26)) + time.Now().Format("150405.000000000") + string(rune('a'+i/26))
			if err := db.Update(func(tx *Tx) error { return tx.PutIdentity(&Identity{ID: id, Name: id}) }); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	_ = db.View(func(tx *Tx) error {
		if n := tx.Count(BucketIdentities); n != 200 {
			t.Errorf("%d identities, want 200", n)
		}
		return nil
	})
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(""); err == nil {
		t.Fatal("empty path accepted")
	}
	p := filepath.Join(t.TempDir(), "x.db")
	db, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// bbolt locks the file: a second controller on the same db fails clearly.
	if testing.Short() {
		return
	}
	if _, err := Open(p); err == nil {
		t.Fatal("a second open of a locked database succeeded")
	}
}
