package api

import (
	"slices"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/filter"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// relatedIDs returns the ids of the records related to the record id (the
// parent), in the order they are listed.
type relatedIDs func(c *Ctx, tx *store.Tx, id string) ([]string, error)

// related serves GET <parent>/{id}/<list>: the records of the kind of
// `of` related to the parent record (a 404 naming parentName when it does
// not exist), listed like of's own list: same filter fields, sorting,
// paging and detail view.
func related[P, E, I any](parent *store.Kind[P], parentName string, of *entity[E, I], ids relatedIDs) HandlerFunc {
	return func(c *Ctx) error {
		q, err := parseListQuery(c, of.filterable)
		if err != nil {
			return err
		}
		id := c.R.PathValue("id")
		var out []any
		var pg Pagination
		err = c.API.DB.View(func(tx *store.Tx) error {
			if _, err := parent.Get(tx, id); err != nil {
				return NotFound(parentName, id)
			}
			rel, err := ids(c, tx, id)
			if err != nil {
				return err
			}
			items := make([]*E, 0, len(rel))
			for _, rid := range rel {
				if v, err := of.rules.Store.Get(tx, rid); err == nil {
					items = append(items, v)
				}
			}
			var shown []*E
			shown, pg = page(q, items, of.fields)
			out, err = renderEach(c, tx, shown, of.detail)
			return err
		})
		if err != nil {
			return err
		}
		return c.List(out, pg, of.filterable)
	}
}

// viaPolicies relates entities through policies of kind: the entities on
// side to that share a policy with the parent on side from. With
// typeParam, the query parameter of that name (Dial or Bind) limits
// service policies to one type.
func viaPolicies(kind, from, to, typeParam string) relatedIDs {
	return func(c *Ctx, tx *store.Tx, id string) ([]string, error) {
		typ, err := policyTypeParam(c, typeParam)
		if err != nil {
			return nil, err
		}
		n, err := domain.LoadNetwork(tx)
		if err != nil {
			return nil, err
		}
		return n.Related(kind, typ, from, id, to), nil
	}
}

// policiesOf relates an entity on side to the policies of kind that
// select it.
func policiesOf(kind, side string) relatedIDs {
	return func(_ *Ctx, tx *store.Tx, id string) ([]string, error) {
		n, err := domain.LoadNetwork(tx)
		if err != nil {
			return nil, err
		}
		return n.Policies(kind, "", side, id), nil
	}
}

// selectedBy relates a policy to the entities on side that it selects.
func selectedBy(side string) relatedIDs {
	return func(_ *Ctx, tx *store.Tx, id string) ([]string, error) {
		n, err := domain.LoadNetwork(tx)
		if err != nil {
			return nil, err
		}
		return n.Selected(id, side), nil
	}
}

// policyTypeParam reads an optional policy type filter: dial or bind, as
// the specification's enum spells them (OpenZiti refuses anything else).
func policyTypeParam(c *Ctx, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	switch v := rawQueryParam(c.R, name); v {
	case "":
		return "", nil
	case "dial":
		return domain.PolicyDial, nil
	case "bind":
		return domain.PolicyBind, nil
	default:
		return "", FieldInvalid(name, v, "must be dial or bind")
	}
}

// emptyList serves a relationship list of records controllersrv does not
// keep (terminators, posture checks): the parent must exist; the list is
// always empty.
func emptyList[P any](parent *store.Kind[P], parentName string) HandlerFunc {
	return func(c *Ctx) error {
		id := c.R.PathValue("id")
		if _, err := store.Read(c.API.DB, func(tx *store.Tx) (*P, error) { return parent.Get(tx, id) }); err != nil {
			return NotFound(parentName, id)
		}
		return c.List([]any{}, Pagination{Limit: DefaultLimit}, nil)
	}
}

// serviceConfigs relates a service to its configs.
func serviceConfigs(_ *Ctx, tx *store.Tx, id string) ([]string, error) {
	v, err := store.Services.Get(tx, id)
	if err != nil {
		return nil, err
	}
	return v.Configs, nil
}

// configServices relates a config to the services that use it.
func configServices(_ *Ctx, tx *store.Tx, id string) ([]string, error) {
	return idsWhere(tx, store.Services, func(v *store.Service) bool { return slices.Contains(v.Configs, id) })
}

// configTypeConfigs relates a config type to its configs.
func configTypeConfigs(_ *Ctx, tx *store.Tx, id string) ([]string, error) {
	return idsWhere(tx, store.Configs, func(v *store.Config) bool { return v.ConfigTypeID == id })
}

// idsWhere returns the ids of the records of k for which keep is true.
func idsWhere[E any](tx *store.Tx, k *store.Kind[E], keep func(*E) bool) ([]string, error) {
	all, err := k.List(tx)
	var out []string
	for _, v := range all {
		if keep(v) {
			out = append(out, k.ID(v))
		}
	}
	return out, err
}

// roleAttributes serves GET /<kind>-role-attributes: the role attributes
// the records of k carry, each once, sorted; filters, sorting and paging
// address an attribute as "id", as in OpenZiti.
func roleAttributes[E any](k *store.Kind[E], attrs func(*E) []string) HandlerFunc {
	filterable := []string{"id"}
	return func(c *Ctx) error {
		q, err := parseListQuery(c, filterable)
		if err != nil {
			return err
		}
		all, err := store.Read(c.API.DB, func(tx *store.Tx) ([]*E, error) { return k.List(tx) })
		if err != nil {
			return err
		}
		var names []string
		for _, v := range all {
			names = append(names, attrs(v)...)
		}
		slices.Sort(names)
		shown, pg := page(q, slices.Compact(names), func(a string) filter.Fields {
			return func(name string) (any, bool) { return a, name == "id" }
		})
		return c.List(orEmpty(shown), pg, filterable)
	}
}
