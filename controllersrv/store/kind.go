package store

import (
	"fmt"
	"time"
)

// Named is what every named entity stores: its id, its unique name, its
// tags and its timestamps. Entity structs embed it, so that JSON records
// keep these fields at the top level and code shared by all kinds (the
// generic create, update, list and filter code) reaches them the same way.
type Named struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Tags      map[string]any `json:"tags"`
	CreatedAt time.Time      `json:"createdAt"`
	UpdatedAt time.Time      `json:"updatedAt"`
}

// Base returns the shared part of a named entity (promoted to every
// entity that embeds Named).
func (n *Named) Base() *Named { return n }

// Kind is the storage of one entity kind: a bucket of JSON records by id,
// and unique indexes that Put and Delete keep in step with the records.
// Each kind declares one Kind value in its file and is listed in kinds
// (buckets.go), which creates its buckets.
type Kind[E any] struct {
	// Bucket holds the records.
	Bucket string
	// ID returns a record's id.
	ID func(*E) string
	// Unique are the unique indexes over the records.
	Unique []Unique[E]
	// BeforeDelete removes what belongs to a record (its enrollments,
	// say) in the transaction that deletes it.
	BeforeDelete func(*Tx, *E) error
}

// Unique is a unique index: each value of Key belongs to at most one
// record of the kind.
type Unique[E any] struct {
	// Index is the index bucket (value -> record id).
	Index string
	// Field names the value in a ConflictError and, with List, is the API
	// field that list filters and sorts may serve from the index.
	Field string
	// Key is the indexed value of a record; "" means no entry.
	Key func(*E) string
	// List says Key is exactly the API field's value, so list endpoints
	// may use the index. Total says every record has an entry (see Index).
	List, Total bool
}

// NamedOf returns the shared part of a record of a Named kind (any struct
// embedding Named).
func NamedOf[E any](v *E) *Named { return any(v).(interface{ Base() *Named }).Base() }

// NameIndex is the unique index over the names of a Named kind.
func NameIndex[E any, P interface {
	*E
	Base() *Named
}](index string) Unique[E] {
	return Unique[E]{Index: index, Field: "name", Key: func(v *E) string { return P(v).Base().Name }, List: true, Total: true}
}

// NamedID is Kind.ID for a Named kind.
func NamedID[E any, P interface {
	*E
	Base() *Named
}](v *E) string {
	return P(v).Base().ID
}

// Get reads one record; a missing one is ErrNotFound.
func (k *Kind[E]) Get(t *Tx, id string) (*E, error) {
	v := new(E)
	if err := t.Get(k.Bucket, id, v); err != nil {
		return nil, err
	}
	return v, nil
}

// By finds the record whose index field holds key, or ErrNotFound.
func (k *Kind[E]) By(t *Tx, field, key string) (*E, error) {
	for _, u := range k.Unique {
		if u.Field == field {
			id := t.IndexGet(u.Index, key)
			if id == "" {
				return nil, ErrNotFound
			}
			return k.Get(t, id)
		}
	}
	return nil, fmt.Errorf("%s has no unique index over %s", k.Bucket, field)
}

// Put creates or replaces a record, moving its index entries: values it
// no longer has are released, values it has are claimed (a ConflictError
// naming the field when another record holds one).
func (k *Kind[E]) Put(t *Tx, v *E) error {
	id := k.ID(v)
	if old, err := k.Get(t, id); err == nil {
		for _, u := range k.Unique {
			if was := u.Key(old); was != "" && was != u.Key(v) {
				if err := t.IndexRelease(u.Index, was, id); err != nil {
					return err
				}
			}
		}
	}
	for _, u := range k.Unique {
		if key := u.Key(v); key != "" {
			if err := t.IndexClaim(u.Index, u.Field, key, id); err != nil {
				return err
			}
		}
	}
	return t.Put(k.Bucket, id, v)
}

// Delete removes a record (after BeforeDelete) and its index entries; a
// missing record is ErrNotFound.
func (k *Kind[E]) Delete(t *Tx, id string) error {
	v, err := k.Get(t, id)
	if err != nil {
		return err
	}
	if k.BeforeDelete != nil {
		if err := k.BeforeDelete(t, v); err != nil {
			return err
		}
	}
	for _, u := range k.Unique {
		if key := u.Key(v); key != "" {
			if err := t.IndexRelease(u.Index, key, id); err != nil {
				return err
			}
		}
	}
	return t.Delete(k.Bucket, id)
}

// List returns every record in id order.
func (k *Kind[E]) List(t *Tx) ([]*E, error) { return List[E](t, k.Bucket) }

// buckets are the record bucket and the index buckets of the kind.
func (k *Kind[E]) buckets() []string {
	out := []string{k.Bucket}
	for _, u := range k.Unique {
		out = append(out, u.Index)
	}
	return out
}

// listIndexes are the indexes list endpoints may use, by API field.
func (k *Kind[E]) listIndexes() (string, map[string]Index) {
	m := map[string]Index{}
	for _, u := range k.Unique {
		if u.List {
			m[u.Field] = Index{Name: u.Index, Total: u.Total}
		}
	}
	return k.Bucket, m
}

// schema is what buckets.go needs of a Kind of any entity type.
type schema interface {
	buckets() []string
	listIndexes() (bucket string, byField map[string]Index)
}
