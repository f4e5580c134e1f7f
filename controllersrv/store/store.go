// Package store is controllersrv's embedded database: a bbolt file holding
// one bucket of JSON records per entity kind, plus unique-index buckets.
//
// Every acknowledged write is durable: writes go through bbolt.Batch, whose
// commit fsyncs before returning, and concurrent writers share one commit
// instead of each paying an fsync.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrNotFound means the record does not exist.
var ErrNotFound = errors.New("not found")

// ConflictError reports a unique field whose value is already taken.
type ConflictError struct {
	Field string
	Value string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s %q is already in use", e.Field, e.Value)
}

// DB is the open database.
type DB struct {
	bolt *bolt.DB
}

// Open opens (creating if needed) the bbolt file at path. A file that
// controllersrv did not create is refused with a *ForeignError before
// anything is written to it; one made by an earlier controllersrv (its own
// buckets, no marker) is adopted and gets the marker.
func Open(path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("db: the database path is empty: set `db` in the controller config")
	}
	own, err := checkOwner(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("db: creating the directory of %s: %w", path, err)
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("db: opening %s: %w (is another controller using it?)", path, err)
	}
	// A batch waits at most this long for company before committing; short,
	// because every request in it waits for the commit.
	b.MaxBatchDelay = 2 * time.Millisecond
	b.MaxBatchSize = 256
	err = b.Update(func(tx *bolt.Tx) error {
		for _, n := range buckets {
			if _, err := tx.CreateBucketIfNotExists([]byte(n)); err != nil {
				return err
			}
		}
		if err := seedAuthPolicies(&Tx{tx: tx}); err != nil {
			return err
		}
		if own == ownMarked {
			return nil
		}
		return tx.Bucket([]byte(BucketMeta)).Put([]byte(markerKey), []byte(markerValue))
	})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("db: initialising %s: %w", path, err)
	}
	return &DB{bolt: b}, nil
}

// Close closes the database file.
func (db *DB) Close() error { return db.bolt.Close() }

// Tx is a read or read-write transaction with typed accessors.
type Tx struct {
	tx *bolt.Tx
	// wrote is set by the first write through this Tx (see Update).
	wrote bool
}

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(*Tx) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// Update runs fn in a read-write transaction that is durable when Update
// returns nil, and returns fn's error. Concurrent calls are batched into
// one commit. fn may run more than once, so it must depend only on the
// transaction's state (and reset anything it sets outside).
//
// An error returned by fn before it wrote anything is a refusal (not found,
// already used, conflict): Update reports it to the caller but lets the
// batch commit, since this member changed nothing. Only an error after a
// write fails the transaction, which makes bbolt roll back and re-run the
// other members of the batch without this one. Callers therefore just
// return their refusals; there is no need to smuggle them out of the
// transaction to spare the batch.
func (db *DB) Update(fn func(*Tx) error) error {
	var refusal error
	err := db.bolt.Batch(func(btx *bolt.Tx) error {
		t := &Tx{tx: btx}
		refusal = nil
		err := fn(t)
		if err != nil && !t.wrote {
			refusal = err
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	return refusal
}

// bucket returns a bucket for reading.
func (t *Tx) bucket(name string) *bolt.Bucket { return t.tx.Bucket([]byte(name)) }

// writable returns a bucket about to be written, marking the transaction
// as written (Update then fails the whole transaction on an error).
func (t *Tx) writable(name string) *bolt.Bucket {
	t.wrote = true
	return t.tx.Bucket([]byte(name))
}

// Get reads a JSON record by id into v.
func (t *Tx) Get(bucket, id string, v any) error {
	data := t.bucket(bucket).Get([]byte(id))
	if data == nil {
		return ErrNotFound
	}
	return json.Unmarshal(data, v)
}

// Put writes a JSON record.
func (t *Tx) Put(bucket, id string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return t.writable(bucket).Put([]byte(id), data)
}

// Delete removes a record; a missing record is ErrNotFound.
func (t *Tx) Delete(bucket, id string) error {
	if t.bucket(bucket).Get([]byte(id)) == nil {
		return ErrNotFound
	}
	return t.writable(bucket).Delete([]byte(id))
}

// Each calls fn with the raw JSON of every record in id order.
func (t *Tx) Each(bucket string, fn func(id string, data []byte) error) error {
	return t.bucket(bucket).ForEach(func(k, v []byte) error { return fn(string(k), v) })
}

// List decodes every record of a bucket, in id order.
func List[E any](t *Tx, bucket string) ([]*E, error) {
	var out []*E
	err := t.Each(bucket, func(_ string, data []byte) error {
		v := new(E)
		if err := json.Unmarshal(data, v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// ListRange decodes only the records at positions [offset, offset+limit)
// of a bucket in id order. Skipped records are stepped over without being
// decoded, so an unfiltered page costs one key walk plus limit decodes, not
// a decode of the whole bucket.
func ListRange[E any](t *Tx, bucket string, offset, limit int64) ([]*E, error) {
	out := make([]*E, 0, max(limit, 0))
	c := t.bucket(bucket).Cursor()
	var i int64
	for k, data := c.First(); k != nil && int64(len(out)) < limit; k, data = c.Next() {
		if i++; i <= offset {
			continue
		}
		v := new(E)
		if err := json.Unmarshal(data, v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Count is the number of records in a bucket.
func (t *Tx) Count(bucket string) int {
	return t.bucket(bucket).Stats().KeyN
}

// IndexGet returns the id stored under key in an index bucket, or "".
func (t *Tx) IndexGet(index, key string) string {
	return string(t.bucket(index).Get([]byte(key)))
}

// IndexClaim stores key -> id, failing with a ConflictError (naming field)
// when another id owns key.
func (t *Tx) IndexClaim(index, field, key, id string) error {
	if cur := t.bucket(index).Get([]byte(key)); cur != nil && string(cur) != id {
		return &ConflictError{Field: field, Value: key}
	}
	return t.writable(index).Put([]byte(key), []byte(id))
}

// IndexRelease removes key if it points at id.
func (t *Tx) IndexRelease(index, key, id string) error {
	if cur := t.bucket(index).Get([]byte(key)); cur != nil && string(cur) == id {
		return t.writable(index).Delete([]byte(key))
	}
	return nil
}

// IndexPrefix lists the ids stored under keys starting with prefix.
func (t *Tx) IndexPrefix(index, prefix string) []string {
	var ids []string
	c := t.bucket(index).Cursor()
	p := []byte(prefix)
	for k, v := c.Seek(p); k != nil && len(k) >= len(p) && string(k[:len(p)]) == prefix; k, v = c.Next() {
		ids = append(ids, string(v))
	}
	return ids
}

// GetMeta reads a small value from the meta bucket.
func (t *Tx) GetMeta(key string) string {
	return string(t.bucket(BucketMeta).Get([]byte(key)))
}

// PutMeta writes a small value to the meta bucket.
func (t *Tx) PutMeta(key, value string) error {
	return t.writable(BucketMeta).Put([]byte(key), []byte(value))
}

// Read runs fn in a read-only transaction and returns its result: a
// lookup in one line, e.g. store.Read(db, func(tx *store.Tx) (*CA, error) {
// return tx.GetCA(id) }).
func Read[T any](db *DB, fn func(*Tx) (T, error)) (T, error) {
	var v T
	err := db.View(func(tx *Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	return v, err
}
