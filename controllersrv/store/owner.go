package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The marker controllersrv writes into the meta bucket of every database it
// creates. Open writes only into files that carry it, so that a `db` path
// pointing at another program's bbolt file (an OpenZiti controller's
// ctrl.db, say) is refused before a single byte of it changes.
const (
	markerKey   = "createdBy"
	markerValue = "controllersrv"
)

// ForeignError reports a database file that controllersrv did not create
// and therefore will not write into.
type ForeignError struct {
	Path   string
	Reason string
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("db: %s is not a controllersrv database (%s); controllersrv never writes into a database it did not create: "+
		"give it a file of its own with `db` in the controller config or `controllersrv run --db FILE` (a missing file is created)", e.Path, e.Reason)
}

// ownership is what checkOwner found.
type ownership int

const (
	ownNew    ownership = iota // no file, or an empty one: controllersrv creates it
	ownMarked                  // carries controllersrv's marker
	ownLegacy                  // made by a controllersrv that wrote no marker yet: adopted
)

// checkOwner decides, without writing, whether the file at path is
// controllersrv's. The file is opened read-only (shared lock), so neither a
// foreign database nor its modification time is touched.
func checkOwner(path string) (ownership, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return ownNew, nil
	case err != nil:
		return 0, fmt.Errorf("db: %w", err)
	case !st.Mode().IsRegular():
		return 0, &ForeignError{Path: path, Reason: "it is not a regular file"}
	case st.Size() == 0:
		return ownNew, nil
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return 0, fmt.Errorf("db: %s is locked by another process (is another controller using it?)", path)
	}
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return 0, fmt.Errorf("db: %w", err) // unreadable, not foreign
	}
	if err != nil {
		return 0, &ForeignError{Path: path, Reason: "it is not a bbolt database: " + err.Error()}
	}
	defer b.Close()
	var (
		names  []string
		marked bool
	)
	err = b.View(func(tx *bolt.Tx) error {
		if m := tx.Bucket([]byte(BucketMeta)); m != nil {
			marked = string(m.Get([]byte(markerKey))) == markerValue
		}
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			names = append(names, string(name))
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("db: reading %s: %w", path, err)
	}
	if marked {
		return ownMarked, nil
	}
	if legacyStore(names) {
		return ownLegacy, nil
	}
	return 0, &ForeignError{Path: path, Reason: foreignReason(names)}
}

// legacyStore reports whether the buckets are those of a controllersrv
// database from before the marker: its meta and identities buckets, and
// nothing that is not controllersrv's.
func legacyStore(names []string) bool {
	if !slices.Contains(names, BucketMeta) || !slices.Contains(names, BucketIdentities) {
		return false
	}
	for _, n := range names {
		if !slices.Contains(buckets, n) && !strings.HasPrefix(n, "idx.") {
			return false
		}
	}
	return true
}

func foreignReason(names []string) string {
	switch {
	case len(names) == 0:
		return "it is a bbolt file without controllersrv's marker and holds no buckets"
	case slices.Contains(names, "ziti") && slices.Contains(names, "zdb"):
		return "it holds the buckets zdb and ziti: an OpenZiti controller's database"
	}
	const show = 5
	list := names
	if len(list) > show {
		list = append(slices.Clone(list[:show]), "...")
	}
	return "it holds buckets controllersrv did not make: " + strings.Join(list, ", ")
}
