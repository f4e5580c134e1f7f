package store

import (
	"errors"
	"testing"
)

func TestCAUniqueness(t *testing.T) {
	db := openTest(t)
	put := func(v *CA) error { return db.Update(func(tx *Tx) error { return tx.PutCA(v) }) }
	if err := put(&CA{Named: Named{ID: "c1", Name: "one"}, Fingerprint: "f1"}); err != nil {
		t.Fatal(err)
	}
	var ce *ConflictError
	if err := put(&CA{Named: Named{ID: "c2", Name: "one"}, Fingerprint: "f2"}); !errors.As(err, &ce) || ce.Field != "name" {
		t.Fatalf("duplicate name: %v", err)
	}
	if err := put(&CA{Named: Named{ID: "c2", Name: "two"}, Fingerprint: "f1"}); !errors.As(err, &ce) || ce.Field != "fingerprint" {
		t.Fatalf("duplicate fingerprint: %v", err)
	}
	// Renaming frees the old name; deleting frees both.
	if err := put(&CA{Named: Named{ID: "c1", Name: "uno"}, Fingerprint: "f1"}); err != nil {
		t.Fatal(err)
	}
	if err := put(&CA{Named: Named{ID: "c2", Name: "one"}, Fingerprint: "f2"}); err != nil {
		t.Fatalf("old name not freed: %v", err)
	}
	if err := db.Update(func(tx *Tx) error { return tx.DeleteCA("c1") }); err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		if tx.CAIDByName("uno") != "" || tx.CAIDByFingerprint("f1") != "" || tx.CAIDByFingerprint("f2") != "c2" {
			t.Fatal("indexes after delete")
		}
		return nil
	})
}

func TestEdgeRouterEnrollmentReplaced(t *testing.T) {
	db := openTest(t)
	err := db.Update(func(tx *Tx) error {
		if err := tx.PutEdgeRouter(&EdgeRouter{Named: Named{ID: "r1", Name: "er"}}); err != nil {
			return err
		}
		return tx.PutEdgeRouterEnrollment(&Enrollment{ID: "e1", Method: "erott", RouterID: "r1", Token: "t1"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *Tx) error {
		return tx.PutEdgeRouterEnrollment(&Enrollment{ID: "e2", Method: "erott", RouterID: "r1", Token: "t2"})
	}); err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		if _, err := tx.EnrollmentByToken("t1"); err == nil {
			t.Fatal("the replaced token still resolves")
		}
		if e, err := tx.EdgeRouterEnrollment("r1"); err != nil || e.Token != "t2" {
			t.Fatalf("current enrollment: %v %v", e, err)
		}
		return nil
	})
	if err := db.Update(func(tx *Tx) error { return tx.DeleteEdgeRouter("r1") }); err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		if _, err := tx.EnrollmentByToken("t2"); err == nil {
			t.Fatal("a deleted router's token still resolves")
		}
		if _, err := tx.EdgeRouterByName("er"); err == nil {
			t.Fatal("a deleted router's name is still taken")
		}
		return nil
	})
}

func TestCertExtensionDroppedWithAuthenticator(t *testing.T) {
	db := openTest(t)
	err := db.Update(func(tx *Tx) error {
		if err := tx.PutIdentity(&Identity{Named: Named{ID: "i1", Name: "one"}}); err != nil {
			return err
		}
		if err := tx.PutAuthenticator(&Authenticator{ID: "a1", IdentityID: "i1", Method: "cert", Fingerprint: "f"}); err != nil {
			return err
		}
		return tx.PutCertExtension(&CertExtension{AuthenticatorID: "a1", Fingerprint: "g"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *Tx) error { return tx.DeleteIdentity("i1") }); err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		if _, err := tx.GetCertExtension("a1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("pending extension survived its authenticator: %v", err)
		}
		return nil
	})
}
