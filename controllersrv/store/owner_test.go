package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// makeBolt writes a bbolt file holding the named buckets (each with one
// key), as another program or an earlier controllersrv would have.
func makeBolt(t *testing.T, path string, buckets ...string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.Update(func(tx *bolt.Tx) error {
		for _, n := range buckets {
			bk, err := tx.CreateBucket([]byte(n))
			if err != nil {
				return err
			}
			if err := bk.Put([]byte("k"), []byte("v")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func markerOf(t *testing.T, path string) string {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var v string
	_ = b.View(func(tx *bolt.Tx) error {
		if m := tx.Bucket([]byte(BucketMeta)); m != nil {
			v = string(m.Get([]byte(markerKey)))
		}
		return nil
	})
	return v
}

func TestOpenMarksNewDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctrl.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if got := markerOf(t, path); got != markerValue {
		t.Fatalf("marker of a new database = %q, want %q", got, markerValue)
	}
	db, err = Open(path)
	if err != nil {
		t.Fatalf("reopening its own database: %v", err)
	}
	db.Close()
}

// A database written by a controllersrv from before the marker (its own
// buckets only) is adopted: opened, marked, its records kept.
func TestOpenAdoptsUnmarkedOwnDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctrl.db")
	makeBolt(t, path, BucketIdentities, BucketEnrollments, BucketMeta, idxIdentityName, BucketCAs, "idx.some.older.index")
	db, err := Open(path)
	if err != nil {
		t.Fatalf("an earlier controllersrv's database must be adopted: %v", err)
	}
	var got []string
	_ = db.View(func(tx *Tx) error {
		return tx.Each(BucketIdentities, func(id string, _ []byte) error { got = append(got, id); return nil })
	})
	db.Close()
	if len(got) != 1 || got[0] != "k" {
		t.Fatalf("records of the adopted database: %v", got)
	}
	if m := markerOf(t, path); m != markerValue {
		t.Fatalf("adopted database marker = %q", m)
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct {
		make func(path string)
		want string
	}{
		"openziti":      {func(p string) { makeBolt(t, p, "ziti", "zdb") }, "OpenZiti controller's database"},
		"other buckets": {func(p string) { makeBolt(t, p, BucketMeta, BucketIdentities, "users") }, "users"},
		"no buckets":    {func(p string) { makeBolt(t, p) }, "holds no buckets"},
		"not bbolt": {func(p string) {
			if err := os.WriteFile(p, bytes.Repeat([]byte("v: 3\n"), 2000), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "not a bbolt database"},
		"tiny": {func(p string) {
			if err := os.WriteFile(p, []byte("v: 3\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "not a bbolt database"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".db")
			c.make(path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			stBefore, _ := os.Stat(path)
			db, err := Open(path)
			if err == nil {
				db.Close()
				t.Fatal("a foreign file was opened for writing")
			}
			var fe *ForeignError
			if !errors.As(err, &fe) || fe.Path != path {
				t.Fatalf("want a ForeignError naming %s, got %v", path, err)
			}
			for _, s := range []string{path, c.want, "`db`", "--db"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			stAfter, _ := os.Stat(path)
			if !bytes.Equal(before, after) || !stAfter.ModTime().Equal(stBefore.ModTime()) {
				t.Fatal("the refused file changed")
			}
		})
	}
}

func TestOpenRefusesDirectory(t *testing.T) {
	dir := t.TempDir()
	var fe *ForeignError
	if _, err := Open(dir); !errors.As(err, &fe) {
		t.Fatalf("a directory as db: %v", err)
	}
}
