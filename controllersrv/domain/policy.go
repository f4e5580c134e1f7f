package domain

import (
	"net/http"
	"slices"
	"strings"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// Semantics of a policy's role lists: AllOf selects the entities that carry
// every "#attribute" of the list, AnyOf those that carry at least one.
// Either way "@id" selects that entity and "#all" every entity.
const (
	SemanticAllOf = "AllOf"
	SemanticAnyOf = "AnyOf"
	allRole       = "#all"
)

// PolicyInput is the part of a policy body every policy kind shares.
type PolicyInput struct {
	NamedInput
	Semantic *string `json:"semantic"`
}

// apply checks and sets the semantic: required on create and PUT (OpenZiti's
// API requires it), changed by PATCH only when sent.
func (in *PolicyInput) apply(v *store.Policy, keys Keys, patch bool) error {
	if !keys.Has("semantic", patch) {
		return nil
	}
	if in.Semantic == nil {
		return FieldInvalid("semantic", nil, "is required: AllOf or AnyOf")
	}
	if *in.Semantic != SemanticAllOf && *in.Semantic != SemanticAnyOf {
		return FieldInvalid("semantic", *in.Semantic, "must be AllOf or AnyOf")
	}
	v.Semantic = *in.Semantic
	return nil
}

// SetPolicyRoles checks a policy's role list and stores it sorted in dst
// when the write sets the field: every entry is "#attribute" or "@id", and
// "#all" stands alone. That the "@id" entries exist is checked in the
// transaction (RolesExist).
func SetPolicyRoles(field string, in *[]string, dst *[]string, keys Keys, patch bool) error {
	if !keys.Has(field, patch) {
		return nil
	}
	out := []string{}
	if in != nil {
		out = append(out, *in...)
	}
	slices.Sort(out)
	if len(out) > 1 && slices.Contains(out, allRole) {
		return FieldInvalid(field, out, "if using #all, it should be the only role specified")
	}
	for _, r := range out {
		if len(r) < 2 || (r[0] != '#' && r[0] != '@') {
			return FieldInvalid(field, r, "role entries must be prefixed with # (to indicate role attributes) or @ (to indicate an id)")
		}
	}
	*dst = out
	return nil
}

// RolesExist refuses "@id" entries of roles that name no record of k.
func RolesExist[E any](tx *store.Tx, field, what string, k *store.Kind[E], roles []string) error {
	var missing []string
	for _, r := range roles {
		if id, ok := strings.CutPrefix(r, "@"); ok {
			if _, err := k.Get(tx, id); err != nil {
				missing = append(missing, id)
			}
		}
	}
	if len(missing) > 0 {
		return FieldInvalid(field, missing, "no %s found with the given ids", what)
	}
	return nil
}

// Selects reports whether a role list selects the entity id carrying attrs
// under semantic, as OpenZiti evaluates it: "@id" names it, "#all" selects
// everything, and the "#attribute" entries must all (AllOf) or some (AnyOf)
// be among attrs. A list without attributes selects nothing by them.
func Selects(semantic string, roles []string, id string, attrs []string) bool {
	var want []string
	for _, r := range roles {
		if r == allRole {
			return true
		}
		if ref, ok := strings.CutPrefix(r, "@"); ok {
			if ref == id {
				return true
			}
			continue
		}
		if a, ok := strings.CutPrefix(r, "#"); ok {
			want = append(want, a)
		}
	}
	if len(want) == 0 {
		return false
	}
	if strings.EqualFold(semantic, SemanticAnyOf) {
		return slices.ContainsFunc(want, func(a string) bool { return slices.Contains(attrs, a) })
	}
	for _, a := range want {
		if !slices.Contains(attrs, a) {
			return false
		}
	}
	return true
}

// RoleList is one role list of a policy kind (identityRoles, ...): where
// the body and the record keep it and which records its "@id" entries name.
type RoleList[E, I any] struct {
	Field  string
	In     func(*I) *[]string
	Record func(*E) *[]string
	// Exist refuses "@id" entries that name no record (RolesExist).
	Exist func(tx *store.Tx, field string, roles []string) error
}

// RefsTo is RoleList.Exist for role lists whose "@id" entries name records
// of k (what: their kind in the message, "identities").
func RefsTo[E any](what string, k *store.Kind[E]) func(*store.Tx, string, []string) error {
	return func(tx *store.Tx, field string, roles []string) error { return RolesExist(tx, field, what, k, roles) }
}

// policyKind builds the rules of a policy kind from its role lists: name,
// semantic and tags are shared; apply, if set, handles the rest of the
// kind's own fields.
func policyKind[E any, I any](name string, k *store.Kind[E], policy func(*E) *store.Policy, common func(*I) *PolicyInput,
	apply func(in *I, v *E, keys Keys, patch bool) error, lists ...RoleList[E, I]) *Kind[E, I] {
	return &Kind[E, I]{
		Name: name, Store: k,
		Apply: func(in *I, v *E, keys Keys, patch bool) error {
			if err := common(in).apply(policy(v), keys, patch); err != nil {
				return err
			}
			if apply != nil {
				if err := apply(in, v, keys, patch); err != nil {
					return err
				}
			}
			for _, l := range lists {
				if err := SetPolicyRoles(l.Field, l.In(in), l.Record(v), keys, patch); err != nil {
					return err
				}
			}
			return nil
		},
		Check: func(tx *store.Tx, v *E) error {
			for _, l := range lists {
				if err := l.Exist(tx, l.Field, *l.Record(v)); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// notFoundBy is a 404 for a lookup (a terminator strategy, a config id).
func notFoundBy(format string, args ...any) *Error {
	return Errorf(http.StatusNotFound, CodeNotFound, format, args...)
}
