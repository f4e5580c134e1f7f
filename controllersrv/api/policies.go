package api

import (
	"strings"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// namedRole is an entry of a policy's *RolesDisplay list: "@id" shown as
// "@name", attributes as they are.
type namedRole struct {
	Role string `json:"role"`
	Name string `json:"name"`
}

// rolesDisplay names the "@id" entries of roles by the names of the
// records of k they point at (an id that no longer resolves is left out,
// as OpenZiti does).
func rolesDisplay[E any](k *store.Kind[E]) func(*store.Tx, []string) []namedRole {
	return func(tx *store.Tx, roles []string) []namedRole {
		out := []namedRole{}
		for _, r := range roles {
			id, isRef := strings.CutPrefix(r, "@")
			if !isRef {
				out = append(out, namedRole{Role: r, Name: r})
				continue
			}
			v, err := k.Get(tx, id)
			if err != nil {
				continue
			}
			out = append(out, namedRole{Role: r, Name: "@" + store.NamedOf(v).Name})
		}
		return out
	}
}

// policyList is one role list of a policy kind as the API shows it: the
// list (field) and its display (field + "Display").
type policyList[E any] struct {
	field   string
	roles   func(*E) []string
	display func(*store.Tx, []string) []namedRole
}

// policyEntity serves a policy kind at collection: its role lists (lists)
// are filterable and shown with their displays; own gives the kind's other
// fields (type, isSystem) for filters and the detail; links name its
// relationship lists.
func policyEntity[E, I any](collection string, rules *domain.Kind[E, I], policy func(*E) *store.Policy,
	own func(*E) map[string]any, links []string, lists ...policyList[E]) *entity[E, I] {
	filterable := []string{"id", "name", "semantic"}
	for _, l := range lists {
		filterable = append(filterable, l.field)
	}
	if own != nil {
		for k := range own(new(E)) {
			filterable = append(filterable, k)
		}
	}
	return &entity[E, I]{
		rules: rules, collection: collection,
		filterable: append(filterable, "createdAt", "updatedAt"),
		field: func(v *E, name string) (any, bool) {
			if name == "semantic" {
				return policy(v).Semantic, true
			}
			for _, l := range lists {
				if l.field == name {
					return l.roles(v), true
				}
			}
			if own != nil {
				x, ok := own(v)[name]
				return x, ok
			}
			return nil, false
		},
		detail: func(_ *Ctx, tx *store.Tx, v *E) (any, error) {
			p := policy(v)
			b := base(collection, p.ID, p.CreatedAt, p.UpdatedAt, p.Tags)
			for _, l := range links {
				b.Links[l] = Link{Href: "./" + collection + "/" + p.ID + "/" + l}
			}
			d := map[string]any{"id": b.ID, "createdAt": b.CreatedAt, "updatedAt": b.UpdatedAt, "_links": b.Links, "tags": b.Tags,
				"name": p.Name, "semantic": p.Semantic}
			for _, l := range lists {
				d[l.field] = orEmpty(l.roles(v))
				d[l.field+"Display"] = l.display(tx, l.roles(v))
			}
			if own != nil {
				for k, x := range own(v) {
					d[k] = x
				}
			}
			return d, nil
		},
	}
}
