package api

import (
	"net/http"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/filter"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// entity is how the generic handlers serve one named entity kind: records
// E (embedding store.Named) written from bodies I under the rules of a
// domain.Kind. A kind's handler file declares one entity value; crud turns
// it into its five endpoints.
type entity[E, I any] struct {
	// rules are the kind's domain rules (and its storage).
	rules *domain.Kind[E, I]
	// collection is the path segment and the entity name in links
	// ("edge-routers").
	collection string
	// filterable lists every field list filters and sorts may use, in the
	// order meta.filterableFields shows them.
	filterable []string
	// field returns a filterable field of the kind's own; id, name,
	// createdAt, updatedAt and tags.<key> are served for every kind.
	field func(v *E, name string) (any, bool)
	// detail renders a record (tx may be used to look up related ones).
	detail func(c *Ctx, tx *store.Tx, v *E) (any, error)
	// deleted, if set, runs after a delete.
	deleted func(c *Ctx, id string)
	// listContentType, if set, is the media type of the list (where the
	// specification gives one with parameters).
	listContentType string
}

// crud lists the list, create, get, PUT, PATCH and delete routes of an
// entity kind at path (admin only, management API).
func crud[E, I any](path string, h *entity[E, I]) []Route {
	return []Route{
		{http.MethodGet, path, Management, Admin, h.list()},
		{http.MethodPost, path, Management, Admin, h.create},
		{http.MethodGet, path + "/{id}", Management, Admin, h.get},
		{http.MethodPut, path + "/{id}", Management, Admin, h.update(false)},
		{http.MethodPatch, path + "/{id}", Management, Admin, h.update(true)},
		{http.MethodDelete, path + "/{id}", Management, Admin, h.delete},
	}
}

// fields is the filter view of a record.
func (h *entity[E, I]) fields(v *E) filter.Fields {
	return func(name string) (any, bool) {
		b := store.NamedOf(v)
		switch name {
		case "id":
			return b.ID, true
		case "name":
			return b.Name, true
		case "createdAt":
			return b.CreatedAt.UTC().Format(time.RFC3339Nano), true
		case "updatedAt":
			return b.UpdatedAt.UTC().Format(time.RFC3339Nano), true
		}
		if x, ok := h.field(v, name); ok {
			return x, true
		}
		return tagField(b.Tags, name)
	}
}

func (h *entity[E, I]) list() HandlerFunc {
	l := listEntities(h.filterable, h.rules.Store.Bucket, h.fields, h.detail)
	if h.listContentType != "" {
		return withContentType(h.listContentType, l)
	}
	return l
}

func (h *entity[E, I]) create(c *Ctx) error {
	in := new(I)
	keys, err := c.decodeWithKeys(in)
	if err != nil {
		return err
	}
	v, err := h.rules.Create(&c.API.Controller, in, keys)
	if err != nil {
		return err
	}
	b := store.NamedOf(v)
	c.API.Logger.Info(h.rules.Name+" created", "id", b.ID, "name", b.Name, "by", c.Identity.ID)
	return c.Created(h.collection, b.ID)
}

func (h *entity[E, I]) get(c *Ctx) error { return getHandler(h.rules.Name, h.rules.Store, h.detail)(c) }

// getHandler serves GET <collection>/{id}: the record of k with that id
// rendered by detail, or a 404 naming the kind.
func getHandler[E any](kind string, k *store.Kind[E], detail func(*Ctx, *store.Tx, *E) (any, error)) HandlerFunc {
	return func(c *Ctx) error {
		id := c.R.PathValue("id")
		d, err := store.Read(c.API.DB, func(tx *store.Tx) (any, error) {
			v, err := k.Get(tx, id)
			if err != nil {
				return nil, NotFound(kind, id)
			}
			return detail(c, tx, v)
		})
		if err != nil {
			return err
		}
		return c.OK(d)
	}
}

// identityRecords serves GET /identities/{id}/<records>: the records of an
// identity (list), all on one page, each rendered by detail.
func identityRecords[E any](list func(*store.Tx, string) ([]*E, error), detail func(*E, *store.Identity) any) HandlerFunc {
	return func(c *Ctx) error {
		id := c.R.PathValue("id")
		out, err := store.Read(c.API.DB, func(tx *store.Tx) ([]any, error) {
			v, err := tx.GetIdentity(id)
			if err != nil {
				return nil, NotFound("identity", id)
			}
			return renderAll(tx, id, v, list, detail)
		})
		if err != nil {
			return err
		}
		return c.ListAll(out)
	}
}

// withIdentity is the detail function of records of an identity: detail
// gets the record's identity (nil if it has none) for its name.
func withIdentity[E any](identityID func(*E) string, detail func(*E, *store.Identity) any) func(*Ctx, *store.Tx, *E) (any, error) {
	return func(_ *Ctx, tx *store.Tx, v *E) (any, error) {
		idn, _ := tx.GetIdentity(identityID(v))
		return detail(v, idn), nil
	}
}

// renderAll renders the records of the identity v (list) with detail.
func renderAll[E any](tx *store.Tx, id string, v *store.Identity, list func(*store.Tx, string) ([]*E, error), detail func(*E, *store.Identity) any) ([]any, error) {
	rs, err := list(tx, id)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(rs))
	for _, r := range rs {
		out = append(out, detail(r, v))
	}
	return out, nil
}

func (h *entity[E, I]) update(patch bool) HandlerFunc {
	return func(c *Ctx) error {
		in := new(I)
		keys, err := c.decodeWithKeys(in)
		if err != nil {
			return err
		}
		if err := h.rules.Update(&c.API.Controller, c.R.PathValue("id"), in, keys, patch); err != nil {
			return err
		}
		return c.Empty()
	}
}

func (h *entity[E, I]) delete(c *Ctx) error {
	id := c.R.PathValue("id")
	if err := h.rules.Delete(&c.API.Controller, id); err != nil {
		return err
	}
	if h.deleted != nil {
		h.deleted(c, id)
	}
	return c.Empty()
}
