package domain

import (
	"slices"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// TestSelects is the role-list rule of OpenZiti's policy evaluation, case
// by case.
func TestSelects(t *testing.T) {
	attrs := []string{"a", "b"}
	for _, tc := range []struct {
		semantic string
		roles    []string
		want     bool
	}{
		{SemanticAllOf, []string{"#a", "#b"}, true},
		{SemanticAllOf, []string{"#a", "#c"}, false},
		{SemanticAnyOf, []string{"#a", "#c"}, true},
		{SemanticAnyOf, []string{"#c"}, false},
		{SemanticAllOf, []string{"#all"}, true},
		{SemanticAnyOf, []string{"#all"}, true},
		{SemanticAllOf, []string{"@me"}, true},
		{SemanticAllOf, []string{"@me", "#c"}, true}, // an "@id" selects whatever the attributes say
		{SemanticAllOf, []string{"@other", "#a"}, true},
		{SemanticAllOf, []string{"@other"}, false},
		{SemanticAllOf, nil, false},
		{SemanticAnyOf, []string{}, false},
		{SemanticAllOf, []string{"#A"}, false}, // attributes are case-sensitive
	} {
		if got := Selects(tc.semantic, tc.roles, "me", attrs); got != tc.want {
			t.Errorf("Selects(%s, %v) = %v, want %v", tc.semantic, tc.roles, got, tc.want)
		}
	}
	if Selects(SemanticAllOf, []string{"#a"}, "x", nil) {
		t.Error("an entity without attributes was selected by #a")
	}
}

// TestNetworkAccess evaluates a small network without HTTP: who may dial
// or bind which service, over which routers, and which relationship lists
// follow; then deleting an identity removes its "@id" from the policies.
func TestNetworkAccess(t *testing.T) {
	c := newController(t)
	id := func(name string, attrs ...string) string {
		v, err := Identities.Create(c, &IdentityInput{NamedInput: NamedInput{Name: &name}, Type: ptr("User"), RoleAttributes: &attrs}, Keys{"name": true, "type": true, "roleAttributes": true})
		if err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	svc := func(name string, attrs ...string) string {
		v, err := Services.Create(c, &ServiceInput{NamedInput: NamedInput{Name: &name}, EncryptionRequired: ptr(true), RoleAttributes: &attrs}, Keys{"name": true, "encryptionRequired": true, "roleAttributes": true})
		if err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	router := func(name string, attrs ...string) string {
		v, err := EdgeRouters.Create(c, &EdgeRouterInput{NamedInput: NamedInput{Name: &name}, RoleAttributes: &attrs}, Keys{"name": true, "roleAttributes": true})
		if err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	alice, bob, host := id("alice", "staff", "eu"), id("bob", "staff"), id("host", "servers")
	web, db := svc("web", "public"), svc("db", "internal", "eu")
	r1, r2 := router("r1", "public"), router("r2")
	sp := func(name, typ, semantic string, identities, services []string) string {
		v, err := ServicePolicies.Create(c, &ServicePolicyInput{PolicyInput: PolicyInput{NamedInput: NamedInput{Name: &name}, Semantic: &semantic},
			Type: &typ, IdentityRoles: &identities, ServiceRoles: &services},
			Keys{"name": true, "semantic": true, "type": true, "identityRoles": true, "serviceRoles": true})
		if err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	sp("dial", PolicyDial, SemanticAnyOf, []string{"#staff"}, []string{"#public", "#internal"})
	sp("dial-eu", PolicyDial, SemanticAllOf, []string{"#staff", "#eu"}, []string{"#internal", "#eu"})
	sp("bind", PolicyBind, SemanticAllOf, []string{"@" + host}, []string{"#all"})
	if _, err := EdgeRouterPolicies.Create(c, &EdgeRouterPolicyInput{PolicyInput: PolicyInput{NamedInput: NamedInput{Name: ptr("erp")}, Semantic: ptr(SemanticAnyOf)},
		IdentityRoles: &[]string{"#all"}, EdgeRouterRoles: &[]string{"#public"}}, Keys{"name": true, "semantic": true, "identityRoles": true, "edgeRouterRoles": true}); err != nil {
		t.Fatal(err)
	}
	if _, err := ServiceEdgeRouterPolicies.Create(c, &ServiceEdgeRouterPolicyInput{PolicyInput: PolicyInput{NamedInput: NamedInput{Name: ptr("serp")}, Semantic: ptr(SemanticAllOf)},
		ServiceRoles: &[]string{"@" + db}, EdgeRouterRoles: &[]string{"@" + r2}}, Keys{"name": true, "semantic": true, "serviceRoles": true, "edgeRouterRoles": true}); err != nil {
		t.Fatal(err)
	}

	n := load(t, c)
	for _, tc := range []struct {
		identity, service string
		want              []string
	}{
		{alice, web, []string{PolicyDial}},
		{alice, db, []string{PolicyDial}},
		{bob, db, []string{PolicyDial}},
		{host, web, []string{PolicyBind}},
		{host, db, []string{PolicyBind}},
	} {
		if got := n.Permissions(tc.identity, tc.service); !slices.Equal(got, tc.want) {
			t.Errorf("permissions of %s on %s: %v, want %v", tc.identity, tc.service, got, tc.want)
		}
	}
	if got := n.Related(KindServicePolicy, PolicyDial, SideService, db, SideIdentity); !sameSet(got, alice, bob) {
		t.Errorf("dialers of db: %v", got)
	}
	if got := n.Policies(KindServicePolicy, "", SideIdentity, alice); len(got) != 2 {
		t.Errorf("service policies of alice: %v", got)
	}
	if got := n.Related(KindEdgeRouterPolicy, "", SideIdentity, bob, SideEdgeRouter); !sameSet(got, r1) {
		t.Errorf("routers of bob: %v", got)
	}
	if got := n.Related(KindServiceEdgeRouterPolicy, "", SideEdgeRouter, r2, SideService); !sameSet(got, db) {
		t.Errorf("services over r2: %v", got)
	}

	// Roles are checked: "#all" alone, prefixes, ids that exist.
	for _, roles := range [][]string{{"#all", "#a"}, {"staff"}, {"@nobody"}} {
		if _, err := ServicePolicies.Create(c, &ServicePolicyInput{PolicyInput: PolicyInput{NamedInput: NamedInput{Name: ptr("bad")}, Semantic: ptr(SemanticAllOf)},
			Type: ptr(PolicyDial), IdentityRoles: &roles}, Keys{"name": true, "semantic": true, "type": true, "identityRoles": true}); err == nil {
			t.Errorf("identityRoles %v accepted", roles)
		}
	}

	// Deleting host removes "@host" from the bind policy, which then binds nothing.
	if err := Identities.Delete(c, host); err != nil {
		t.Fatal(err)
	}
	n = load(t, c)
	if got := n.Related(KindServicePolicy, PolicyBind, SideService, web, SideIdentity); len(got) != 0 {
		t.Errorf("binders of web after deleting host: %v", got)
	}
	if err := c.DB.View(func(tx *store.Tx) error {
		all, err := store.ServicePolicies.List(tx)
		for _, p := range all {
			if p.Name == "bind" && len(p.IdentityRoles) != 0 {
				t.Errorf("bind policy still has identity roles %v", p.IdentityRoles)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func load(t *testing.T, c *Controller) *Network {
	t.Helper()
	var n *Network
	if err := c.DB.View(func(tx *store.Tx) (err error) { n, err = LoadNetwork(tx); return err }); err != nil {
		t.Fatal(err)
	}
	return n
}

func sameSet(got []string, want ...string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}
