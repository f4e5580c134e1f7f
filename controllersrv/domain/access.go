package domain

import (
	"slices"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// Sides of a policy: the kinds of entity its role lists select.
const (
	SideIdentity     = "identity"
	SideService      = "service"
	SideEdgeRouter   = "edgeRouter"
	SidePostureCheck = "postureCheck"
)

// Policy kinds, as the relationship lists name them.
const (
	KindServicePolicy           = "service-policies"
	KindEdgeRouterPolicy        = "edge-router-policies"
	KindServiceEdgeRouterPolicy = "service-edge-router-policies"
)

// member is an entity as role lists see it: its id and role attributes.
type member struct {
	id    string
	attrs []string
}

// PolicyView is a policy of any kind as the evaluation sees it: its id,
// semantic, type (service policies: Dial or Bind) and the role list of
// each side it has.
type PolicyView struct {
	ID, Kind, Semantic, Type string
	Roles                    map[string][]string
}

// Network is a consistent snapshot of the entities and policies that decide
// who may dial or bind which service over which edge routers. It answers
// every relationship list the Edge API has for them, evaluating role lists
// as OpenZiti does (Selects); OpenZiti keeps the same answers denormalised
// in link tables that it updates on every change.
type Network struct {
	members  map[string][]member
	policies []PolicyView
	selected map[string]map[string][]string // policy id -> side -> selected ids, in entity id order
}

// LoadNetwork reads the snapshot in tx.
func LoadNetwork(tx *store.Tx) (*Network, error) {
	n := &Network{members: map[string][]member{}, selected: map[string]map[string][]string{}}
	if err := loadMembers(tx, n, SideIdentity, store.Identities, func(v *store.Identity) member { return member{v.ID, v.RoleAttributes} }); err != nil {
		return nil, err
	}
	if err := loadMembers(tx, n, SideService, store.Services, func(v *store.Service) member { return member{v.ID, v.RoleAttributes} }); err != nil {
		return nil, err
	}
	if err := loadMembers(tx, n, SideEdgeRouter, store.EdgeRouters, func(v *store.EdgeRouter) member { return member{v.ID, v.RoleAttributes} }); err != nil {
		return nil, err
	}
	if err := loadMembers(tx, n, SidePostureCheck, store.PostureChecks, func(v *store.PostureCheck) member { return member{v.ID, v.RoleAttributes} }); err != nil {
		return nil, err
	}
	if err := loadPolicies(tx, n, store.ServicePolicies, func(p *store.ServicePolicy) PolicyView {
		return PolicyView{p.ID, KindServicePolicy, p.Semantic, p.Type, map[string][]string{SideIdentity: p.IdentityRoles, SideService: p.ServiceRoles, SidePostureCheck: p.PostureCheckRoles}}
	}); err != nil {
		return nil, err
	}
	if err := loadPolicies(tx, n, store.EdgeRouterPolicies, func(p *store.EdgeRouterPolicy) PolicyView {
		return PolicyView{p.ID, KindEdgeRouterPolicy, p.Semantic, "", map[string][]string{SideIdentity: p.IdentityRoles, SideEdgeRouter: p.EdgeRouterRoles}}
	}); err != nil {
		return nil, err
	}
	if err := loadPolicies(tx, n, store.ServiceEdgeRouterPolicies, func(p *store.ServiceEdgeRouterPolicy) PolicyView {
		return PolicyView{p.ID, KindServiceEdgeRouterPolicy, p.Semantic, "", map[string][]string{SideService: p.ServiceRoles, SideEdgeRouter: p.EdgeRouterRoles}}
	}); err != nil {
		return nil, err
	}
	for _, p := range n.policies {
		sel := map[string][]string{}
		for side, roles := range p.Roles {
			for _, m := range n.members[side] {
				if Selects(p.Semantic, roles, m.id, m.attrs) {
					sel[side] = append(sel[side], m.id)
				}
			}
		}
		n.selected[p.ID] = sel
	}
	return n, nil
}

func loadMembers[E any](tx *store.Tx, n *Network, side string, k *store.Kind[E], m func(*E) member) error {
	all, err := k.List(tx)
	for _, v := range all {
		n.members[side] = append(n.members[side], m(v))
	}
	return err
}

func loadPolicies[E any](tx *store.Tx, n *Network, k *store.Kind[E], view func(*E) PolicyView) error {
	all, err := k.List(tx)
	for _, v := range all {
		n.policies = append(n.policies, view(v))
	}
	return err
}

// Selected returns the ids of the entities on side that the policy id
// selects, in id order.
func (n *Network) Selected(policyID, side string) []string { return n.selected[policyID][side] }

// Policies returns the ids of the policies of kind (of type typ, if not
// "") that select the entity id on side, in id order.
func (n *Network) Policies(kind, typ, side, id string) []string {
	var out []string
	for _, p := range n.policies {
		if p.Kind == kind && (typ == "" || p.Type == typ) && slices.Contains(n.selected[p.ID][side], id) {
			out = append(out, p.ID)
		}
	}
	return out
}

// Related returns the ids of the entities on side to that share at least
// one policy of kind (of type typ, if not "") with the entity id on side
// from, in id order: the services an identity may dial, the edge routers
// a service may be reached over, ...
func (n *Network) Related(kind, typ, from, id, to string) []string {
	seen := map[string]bool{}
	for _, pid := range n.Policies(kind, typ, from, id) {
		for _, x := range n.selected[pid][to] {
			seen[x] = true
		}
	}
	var out []string
	for _, m := range n.members[to] {
		if seen[m.id] {
			out = append(out, m.id)
		}
	}
	return out
}

// Permissions returns what the identity may do with the service: "Bind",
// "Dial", both or neither (in that order, as OpenZiti lists them).
func (n *Network) Permissions(identityID, serviceID string) []string {
	var out []string
	for _, typ := range []string{PolicyBind, PolicyDial} {
		if slices.Contains(n.Related(KindServicePolicy, typ, SideIdentity, identityID, SideService), serviceID) {
			out = append(out, typ)
		}
	}
	return out
}
