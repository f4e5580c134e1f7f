package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// named is the part of any detail the comparison reads.
type named struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type obj = map[string]any

// netSide is one controller under comparison: its admin client and the ids
// it gave the generated entities, by name.
type netSide struct {
	c   *edgeapi.Client
	ids map[string]string
}

// TestPolicyEvaluationMatchesRealController builds the same random networks
// (identities, services and edge routers with random role attributes;
// service policies of both types, edge router and service edge router
// policies, both semantics, with #attribute, #all and @id roles) on
// controllersrv and on the real OpenZiti controller, then reads every
// relationship list of every entity and policy on both: the answers must
// name the same entities (the identities of tunneler-enabled routers and
// their system policies included). ZITIFORM_POLICY_ROUNDS sets the number of
// networks (default 3), ZITIFORM_POLICY_SEED the first seed.
func TestPolicyEvaluationMatchesRealController(t *testing.T) {
	real := testctl.StartT(t, testctl.Ziti)
	mine := testctl.StartT(t, testctl.Controllersrv)
	sides := map[string]*netSide{}
	for name, ctl := range map[string]*testctl.Controller{"OpenZiti": real, "controllersrv": mine} {
		c, err := ctl.AdminClient()
		if err != nil {
			t.Fatal(err)
		}
		sides[name] = &netSide{c: c, ids: map[string]string{}}
	}
	rounds, seed := 3, uint64(1)
	if n, err := strconv.Atoi(os.Getenv("ZITIFORM_POLICY_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	if n, err := strconv.ParseUint(os.Getenv("ZITIFORM_POLICY_SEED"), 10, 64); err == nil {
		seed = n
	}
	compared := 0
	for r := range rounds {
		s := seed + uint64(r)
		compared += compareRandomNetwork(t, s, sides)
		if t.Failed() {
			t.Fatalf("network of seed %d differs (ZITIFORM_POLICY_SEED=%d reproduces it)", s, s)
		}
	}
	t.Logf("%d networks (seeds %d..%d), %d relationship lists: the same answers", rounds, seed, seed+uint64(rounds)-1, compared)
}

func compareRandomNetwork(t *testing.T, seed uint64, sides map[string]*netSide) int {
	rnd := rand.New(rand.NewPCG(seed, 0))
	prefix := fmt.Sprintf("s%d-", seed)
	attrs := []string{"a", "b", "c", "d"}
	randAttrs := func() []string {
		var out []string
		for _, a := range attrs {
			if rnd.IntN(3) == 0 {
				out = append(out, a)
			}
		}
		return out
	}
	type entity struct {
		collection, name string
		body             obj
	}
	var ents []entity
	kinds := map[string][]string{}
	add := func(collection string, n int, body func() obj) {
		for i := range n {
			name := fmt.Sprintf("%s%s-%d", prefix, collection, i)
			b := body()
			b["name"] = name
			ents = append(ents, entity{collection, name, b})
			kinds[collection] = append(kinds[collection], name)
		}
	}
	add("identities", 8, func() obj { return obj{"type": "User", "isAdmin": false, "roleAttributes": randAttrs()} })
	add("services", 6, func() obj { return obj{"encryptionRequired": true, "roleAttributes": randAttrs()} })
	// A tunneler-enabled router has an identity of its own and a system
	// edge router policy: they take part in the answers too.
	add("edge-routers", 4, func() obj { return obj{"roleAttributes": randAttrs(), "isTunnelerEnabled": rnd.IntN(2) == 0} })
	// roles of a side: #all alone, or random #attributes and @names (made
	// @ids per controller below).
	roles := func(collection string) []string {
		if rnd.IntN(8) == 0 {
			return []string{"#all"}
		}
		var out []string
		for _, a := range randAttrs() {
			out = append(out, "#"+a)
		}
		for _, n := range kinds[collection] {
			if rnd.IntN(6) == 0 {
				out = append(out, "@"+n)
			}
		}
		return out
	}
	semantic := func() string { return []string{"AllOf", "AnyOf"}[rnd.IntN(2)] }
	add("service-policies", 10, func() obj {
		return obj{"type": []string{"Dial", "Bind"}[rnd.IntN(2)], "semantic": semantic(),
			"identityRoles": roles("identities"), "serviceRoles": roles("services")}
	})
	add("edge-router-policies", 4, func() obj {
		return obj{"semantic": semantic(), "identityRoles": roles("identities"), "edgeRouterRoles": roles("edge-routers")}
	})
	add("service-edge-router-policies", 4, func() obj {
		return obj{"semantic": semantic(), "serviceRoles": roles("services"), "edgeRouterRoles": roles("edge-routers")}
	})
	ctx := context.Background()
	for _, side := range sides {
		for _, e := range ents {
			body := obj{}
			for k, v := range e.body {
				if l, ok := v.([]string); ok && strings.HasSuffix(k, "Roles") {
					v = side.refs(l)
				}
				body[k] = v
			}
			id, err := edgeapi.Collection[named]{Name: e.collection}.Create(ctx, side.c, body)
			if err != nil {
				t.Fatalf("creating %s %s %v: %v", e.collection, e.name, body, err)
			}
			side.ids[e.name] = id
		}
	}
	lists := map[string][]string{
		"identities":                   {"services?policyType=dial", "services?policyType=bind", "services", "edge-routers", "service-policies", "edge-router-policies"},
		"services":                     {"identities?policyType=dial", "identities?policyType=bind", "edge-routers", "service-policies", "service-edge-router-policies"},
		"edge-routers":                 {"identities", "services", "edge-router-policies", "service-edge-router-policies"},
		"service-policies":             {"identities", "services"},
		"edge-router-policies":         {"identities", "edge-routers"},
		"service-edge-router-policies": {"services", "edge-routers"},
	}
	compared := 0
	for _, e := range ents {
		for _, l := range lists[e.collection] {
			answers := map[string][]string{}
			for sideName, side := range sides {
				answers[sideName] = side.relatedNames(t, e.collection, side.ids[e.name], l, prefix)
			}
			if !slices.Equal(answers["OpenZiti"], answers["controllersrv"]) {
				t.Errorf("%s %s %v: /%s: OpenZiti %v, controllersrv %v", e.collection, e.name, e.body, l, answers["OpenZiti"], answers["controllersrv"])
			}
			compared++
		}
	}
	return compared
}

// refs turns the @name roles of a generated network into @id roles.
func (s *netSide) refs(roles []string) []string {
	out := []string{}
	for _, r := range roles {
		if n, ok := strings.CutPrefix(r, "@"); ok {
			r = "@" + s.ids[n]
		}
		out = append(out, r)
	}
	return out
}

// relatedNames reads GET /<collection>/<id>/<list> (all pages) and returns
// the names in it that belong to the generated network, sorted.
func (s *netSide) relatedNames(t *testing.T, collection, id, list, prefix string) []string {
	t.Helper()
	path, query, _ := strings.Cut(list, "?")
	name := collection + "/" + url.PathEscape(id) + "/" + path
	if query != "" {
		name += "?" + query
	}
	items, err := edgeapi.Collection[named]{Name: name}.List(context.Background(), s.c, edgeapi.ListOptions{})
	if err != nil {
		t.Fatalf("GET /%s: %v", name, err)
	}
	out := []string{}
	for _, it := range items {
		if strings.HasPrefix(it.Name, prefix) {
			out = append(out, it.Name)
		}
	}
	slices.Sort(out)
	return out
}
