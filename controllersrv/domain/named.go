package domain

import (
	"strings"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// Keys are the top-level JSON keys a request body sent. A PATCH changes
// only the fields whose keys were sent; a create or PUT sets every field,
// absent ones to their defaults.
type Keys map[string]bool

// Has reports whether a write sets the field named key.
func (k Keys) Has(key string, patch bool) bool { return !patch || k[key] }

// NamedInput is the part of a create, PUT or PATCH body every named entity
// shares. Input types embed it.
type NamedInput struct {
	Name *string        `json:"name"`
	Tags map[string]any `json:"tags"`
}

func (in *NamedInput) namedInput() *NamedInput { return in }

// apply checks name and tags and copies them onto v.
func (in *NamedInput) apply(v *store.Named, keys Keys, patch bool) error {
	if keys.Has("name", patch) {
		if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
			return FieldInvalid("name", nil, "must be a non-empty string")
		}
		if p := nameProblem(*in.Name); p != "" {
			return FieldInvalid("name", nil, "%s", p)
		}
		v.Name = *in.Name
	}
	return SetTags("tags", in.Tags, &v.Tags, keys, patch)
}

// SetTags checks a tags-like map (tags, appData) and stores it in dst when
// the write sets the field.
func SetTags(field string, in map[string]any, dst *map[string]any, keys Keys, patch bool) error {
	if !keys.Has(field, patch) {
		return nil
	}
	if err := checkTags(field, in); err != nil {
		return err
	}
	*dst = in
	return nil
}

// checkTags enforces the spec: tag values are null, strings, booleans (and,
// leniently, numbers), never nested objects or arrays.
func checkTags(field string, m map[string]any) error {
	for k, v := range m {
		switch v.(type) {
		case nil, string, bool, float64:
		default:
			return FieldInvalid(field+"."+k, nil, "tag values must be strings, booleans, numbers or null")
		}
	}
	return nil
}

// MaxRoles caps the entries of one role attribute or role list.
const MaxRoles = 500

// SetRoles checks a list of role attributes (or roles: what names the
// entries in the message) and stores a copy in dst when the write sets the
// field; absent or null is the empty list.
func SetRoles(field, what string, in *[]string, dst *[]string, keys Keys, patch bool) error {
	if !keys.Has(field, patch) {
		return nil
	}
	out := []string{}
	if in != nil {
		// Every policy evaluation reads every entity's attributes: an
		// unbounded list makes one entity cost what thousands do.
		if len(*in) > MaxRoles {
			return FieldInvalid(field, len(*in), "holds %d %s: at most %d are allowed", len(*in), what, MaxRoles)
		}
		for _, a := range *in {
			if strings.TrimSpace(a) == "" {
				return FieldInvalid(field, a, "%s must be non-empty strings", what)
			}
			// A policy's roles select attributes as "#attr" and entities
			// as "@id": an attribute starting with either could never be
			// selected (OpenZiti refuses it too).
			if p := a[:1]; p == "#" || p == "@" {
				return FieldInvalid(field, a, "%s may not be prefixed with %s: write %q", what, p, a[1:])
			}
		}
		out = append(out, *in...)
	}
	*dst = out
	return nil
}

// SetBool stores a boolean field (absent or null is false) when the write
// sets it.
func SetBool(field string, in *bool, dst *bool, keys Keys, patch bool) {
	if keys.Has(field, patch) {
		*dst = in != nil && *in
	}
}

// SetCost stores a 0..65535 cost (absent or null is 0) when the write sets it.
func SetCost(field string, in *int64, dst *int64, keys Keys, patch bool) error {
	if !keys.Has(field, patch) {
		return nil
	}
	*dst = 0
	if in != nil {
		if *in < 0 || *in > 65535 {
			return FieldInvalid(field, *in, "must be between 0 and 65535")
		}
		*dst = *in
	}
	return nil
}

// Kind is the rules of one named entity kind: records E written from
// request bodies I (a struct embedding NamedInput). Create, Update and
// Delete are written once for every kind; a kind supplies only what is
// its own.
type Kind[E, I any] struct {
	// Name names the kind in messages ("edge router").
	Name string
	// Store is the kind's storage.
	Store *store.Kind[E]
	// Apply checks the input's own fields and copies them onto the record
	// (name and tags are done already): on PATCH only the keys sent, on
	// create and PUT every field.
	Apply func(in *I, v *E, keys Keys, patch bool) error
	// Prepare, if set, runs on create before Apply and outside the
	// transaction (signing a token, parsing a certificate). It returns
	// what the create transaction does after storing the record (or nil).
	Prepare func(in *I, c *Controller, v *E) (after func(*store.Tx) error, err error)
	// Vet, if set, checks a new record in the create transaction before it
	// is stored.
	Vet func(tx *store.Tx, v *E) error
	// Check, if set, checks a record against the others in the create and
	// update transactions before it is stored (the ids a policy's roles
	// name exist, a config's data fits its type's schema, ...).
	Check func(tx *store.Tx, v *E) error
	// Sync, if set, keeps what depends on a record in step with it, in the
	// create and update transactions before it is stored: old is the
	// stored record (nil on create).
	Sync func(tx *store.Tx, old, v *E) error
	// CanDelete, if set, may refuse to delete a record (in the delete
	// transaction).
	CanDelete func(tx *store.Tx, v *E) error
}

// input returns the shared fields of a body (every I embeds NamedInput).
func input[I any](in *I) *NamedInput {
	return any(in).(interface{ namedInput() *NamedInput }).namedInput()
}

// apply checks the whole input and copies it onto v.
func (k *Kind[E, I]) apply(in *I, v *E, keys Keys, patch bool) error {
	if err := input(in).apply(store.NamedOf(v), keys, patch); err != nil {
		return err
	}
	return k.Apply(in, v, keys, patch)
}

// Create makes a new record from in: checks it, stores it with a fresh id
// and what Prepare added, all in one transaction.
func (k *Kind[E, I]) Create(c *Controller, in *I, keys Keys) (*E, error) {
	if input(in).Name == nil {
		return nil, FieldInvalid("name", nil, "is required")
	}
	now := c.now()
	v := new(E)
	b := store.NamedOf(v)
	b.ID, b.CreatedAt, b.UpdatedAt = auth.RandomID(), now, now
	var after func(*store.Tx) error
	if k.Prepare != nil {
		var err error
		if after, err = k.Prepare(in, c, v); err != nil {
			return nil, err
		}
	}
	if err := k.apply(in, v, keys, false); err != nil {
		return nil, err
	}
	err := c.write(func(tx *store.Tx) error {
		if k.Vet != nil {
			if err := k.Vet(tx, v); err != nil {
				return err
			}
		}
		if k.Check != nil {
			if err := k.Check(tx, v); err != nil {
				return err
			}
		}
		if k.Sync != nil {
			if err := k.Sync(tx, nil, v); err != nil {
				return err
			}
		}
		if err := k.Store.Put(tx, v); err != nil {
			return err
		}
		if after != nil {
			return after(tx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Update applies a PUT (patch false) or PATCH body to the record id in one
// transaction: read, apply, stamp updatedAt, write. A missing record is a
// 404; any error (a bad field, a name already taken) changes nothing.
func (k *Kind[E, I]) Update(c *Controller, id string, in *I, keys Keys, patch bool) error {
	if !patch && input(in).Name == nil {
		return FieldInvalid("name", nil, "is required")
	}
	return c.write(func(tx *store.Tx) error {
		v, err := k.Store.Get(tx, id)
		if err != nil {
			return NotFound(k.Name, id)
		}
		var old *E
		if k.Sync != nil {
			if old, err = k.Store.Get(tx, id); err != nil {
				return err
			}
		}
		if err := k.apply(in, v, keys, patch); err != nil {
			return err
		}
		if k.Check != nil {
			if err := k.Check(tx, v); err != nil {
				return err
			}
		}
		if k.Sync != nil {
			if err := k.Sync(tx, old, v); err != nil {
				return err
			}
		}
		store.NamedOf(v).UpdatedAt = c.now()
		return k.Store.Put(tx, v)
	})
}

// Delete removes the record id (and what the store deletes with it).
func (k *Kind[E, I]) Delete(c *Controller, id string) error {
	return c.write(func(tx *store.Tx) error {
		v, err := k.Store.Get(tx, id)
		if err != nil {
			return NotFound(k.Name, id)
		}
		if k.CanDelete != nil {
			if err := k.CanDelete(tx, v); err != nil {
				return err
			}
		}
		return k.Store.Delete(tx, id)
	})
}

// Get reads the record id; a missing one is a 404.
func (k *Kind[E, I]) Get(tx *store.Tx, id string) (*E, error) {
	v, err := k.Store.Get(tx, id)
	if err != nil {
		return nil, NotFound(k.Name, id)
	}
	return v, nil
}
