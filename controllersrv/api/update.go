package api

import (
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// updateSpec says how PUT and PATCH /<entities>/{id} update records of one
// kind E from an input body I.
type updateSpec[E, I any] struct {
	kind string // names the entity in a 404
	// check vets the decoded input before the transaction (PUT requires
	// what PATCH may leave out) and may drop keys the update ignores.
	check func(in *I, keys map[string]bool, patch bool) error
	get   func(*store.Tx, string) (*E, error)
	// apply copies the input onto the record: on PATCH only the keys sent,
	// on PUT every field (absent ones reset to their defaults).
	apply func(in *I, v *E, keys map[string]bool, patch bool) error
	put   func(*store.Tx, *E) error
	touch func(v *E, now time.Time) // sets updatedAt
}

// updateHandler builds the PUT (patch false) and PATCH (patch true)
// handlers of s: decode and check the body, then in one transaction read
// the record, apply the input, stamp updatedAt and write it back. A
// missing record is a 404; any error (a bad field, a name already taken)
// rolls the whole update back.
func updateHandler[E, I any](s updateSpec[E, I]) func(patch bool) HandlerFunc {
	return func(patch bool) HandlerFunc {
		return func(c *Ctx) error {
			id := c.R.PathValue("id")
			in := new(I)
			keys, err := c.decodeWithKeys(in)
			if err != nil {
				return err
			}
			if err := s.check(in, keys, patch); err != nil {
				return err
			}
			err = c.API.DB.Update(func(tx *store.Tx) error {
				v, err := s.get(tx, id)
				if err != nil {
					return NotFound(s.kind, id)
				}
				if err := s.apply(in, v, keys, patch); err != nil {
					return err
				}
				s.touch(v, c.API.now())
				return s.put(tx, v)
			})
			if err != nil {
				return err
			}
			return c.Empty()
		}
	}
}
