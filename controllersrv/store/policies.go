package store

// Policy is what every policy kind stores besides its role lists: how its
// roles match (Semantic: AllOf or AnyOf). Role lists hold "#attribute",
// "#all" or "@id" entries.
type Policy struct {
	Named
	Semantic string `json:"semantic"`
}

// A deleted identity, service, edge router or posture check leaves no "@id" entry behind
// in any policy's role lists (OpenZiti removes those references in the
// transaction that deletes the entity).

func forgetIdentity(t *Tx, id string) error {
	return dropRefs(t, "@"+id,
		dropRef(ServicePolicies, func(p *ServicePolicy) *[]string { return &p.IdentityRoles }),
		dropRef(EdgeRouterPolicies, func(p *EdgeRouterPolicy) *[]string { return &p.IdentityRoles }))
}

func forgetService(t *Tx, id string) error {
	return dropRefs(t, "@"+id,
		dropRef(ServicePolicies, func(p *ServicePolicy) *[]string { return &p.ServiceRoles }),
		dropRef(ServiceEdgeRouterPolicies, func(p *ServiceEdgeRouterPolicy) *[]string { return &p.ServiceRoles }))
}

func forgetEdgeRouter(t *Tx, id string) error {
	return dropRefs(t, "@"+id,
		dropRef(EdgeRouterPolicies, func(p *EdgeRouterPolicy) *[]string { return &p.EdgeRouterRoles }),
		dropRef(ServiceEdgeRouterPolicies, func(p *ServiceEdgeRouterPolicy) *[]string { return &p.EdgeRouterRoles }))
}

func forgetPostureCheck(t *Tx, id string) error {
	return dropRefs(t, "@"+id,
		dropRef(ServicePolicies, func(p *ServicePolicy) *[]string { return &p.PostureCheckRoles }))
}

func dropRefs(t *Tx, role string, drops ...func(*Tx, string) error) error {
	for _, d := range drops {
		if err := d(t, role); err != nil {
			return err
		}
	}
	return nil
}

// dropRef removes role from one role list (list) of every policy of k.
func dropRef[E any](k *Kind[E], list func(*E) *[]string) func(*Tx, string) error {
	return func(t *Tx, role string) error {
		all, err := k.List(t)
		if err != nil {
			return err
		}
		for _, p := range all {
			l := list(p)
			kept := make([]string, 0, len(*l))
			for _, r := range *l {
				if r != role {
					kept = append(kept, r)
				}
			}
			if len(kept) != len(*l) {
				*l = kept
				if err := k.Put(t, p); err != nil {
					return err
				}
			}
		}
		return nil
	}
}
