package store

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Index is a unique index over one field of an entity bucket: it maps each
// value of the field to the id of the one record holding it.
type Index struct {
	// Name is the index bucket.
	Name string
	// Total means every record of the entity bucket has exactly one entry,
	// so walking the index in key order visits every record once, ordered
	// by the field. A partial index leaves out records whose value is
	// empty (an edge router not enrolled yet has no fingerprint).
	Total bool
}

// UniqueIndex returns the unique index over field of an entity bucket.
func UniqueIndex(bucket, field string) (Index, bool) {
	ix, ok := uniqueIndexes[bucket][field]
	return ix, ok
}

// ListByIndex decodes the records of bucket whose indexed field has one of
// the given values, in id order (as List would return them). Values without
// an entry are skipped; empty values have none (bbolt keys are non-empty).
func ListByIndex[E any](t *Tx, bucket string, ix Index, values []string) ([]*E, error) {
	b := t.bucket(ix.Name)
	var ids []string
	for _, v := range values {
		if v == "" {
			continue
		}
		if id := b.Get([]byte(v)); id != nil {
			ids = append(ids, string(id))
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make([]*E, 0, len(ids))
	for _, id := range ids {
		v := new(E)
		if err := t.Get(bucket, id, v); err != nil {
			return nil, fmt.Errorf("index %s points at %s %s: %w", ix.Name, bucket, id, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// ListIndexRange decodes the records at positions [offset, offset+limit)
// of bucket ordered by the indexed field: ascending byte order of the
// values, which is Go's string order, or descending when desc is set.
// Skipped entries cost a key step each and no decode. The index should be
// Total, or records without an entry are missing from the order.
func ListIndexRange[E any](t *Tx, bucket string, ix Index, desc bool, offset, limit int64) ([]*E, error) {
	out := make([]*E, 0, max(limit, 0))
	records := t.bucket(bucket)
	c := t.bucket(ix.Name).Cursor()
	first, next := c.First, c.Next
	if desc {
		first, next = c.Last, c.Prev
	}
	var i int64
	for k, id := first(); k != nil && int64(len(out)) < limit; k, id = next() {
		if i++; i <= offset {
			continue
		}
		data := records.Get(id)
		if data == nil {
			return nil, fmt.Errorf("index %s points at %s %s: %w", ix.Name, bucket, id, ErrNotFound)
		}
		v := new(E)
		if err := json.Unmarshal(data, v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
