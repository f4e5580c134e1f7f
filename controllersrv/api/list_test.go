package api

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/filter"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// listCase is one list request: a filter, a sort, and whether fastPage
// must serve it (a filter pinning an indexed field, or no filter with no
// sort or a sort on a total unique index).
type listCase struct {
	filter, sort string
	fast         bool
}

// TestFastPageMatchesSlowPath fills a store with a few hundred random
// identities, CAs and edge routers (names over an alphabet with upper and
// lower case, multi-byte UTF-8, quotes and backslashes, many of them
// prefixes of others) and checks, for many filters, sorts, offsets and
// limits, that fastPage returns exactly what page() returns over the whole
// bucket (the slow path), record for record, with the same pagination, and
// that the cases meant to be fast are.
func TestFastPageMatchesSlowPath(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run("seed"+strconv.FormatUint(seed, 10), func(t *testing.T) { testFastPage(t, seed) })
	}
}

func testFastPage(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 42))
	db, err := store.Open(filepath.Join(t.TempDir(), "ctrl.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	alphabet := []string{"a", "b", "A", "B", "z", "é", "ü", "日", "-", "_", " ", "0", "9", "~", `"`, `\`}
	used := map[string]bool{}
	name := func() string {
		for {
			var b strings.Builder
			for range 1 + rng.IntN(4) {
				b.WriteString(alphabet[rng.IntN(len(alphabet))])
			}
			if s := b.String(); !used[s] {
				used[s] = true
				return s
			}
		}
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 300
	var names []string
	err = db.Update(func(tx *store.Tx) error {
		for i := range n {
			v := &store.Identity{Named: store.Named{ID: fmt.Sprintf("%08x", rng.Uint32()), Name: name(), Tags: map[string]any{"k": "v" + strconv.Itoa(rng.IntN(3))}, CreatedAt: t0.Add(time.Duration(rng.IntN(20)) * time.Second)}, TypeID: "Device",
				IsAdmin: rng.IntN(3) == 0, RoleAttributes: []string{"r" + strconv.Itoa(rng.IntN(4))}} // many ties
			if i%3 == 0 {
				ext := "ext-" + strconv.Itoa(i)
				v.ExternalID = &ext
			}
			names = append(names, v.Name)
			if err := tx.PutIdentity(v); err != nil {
				return err
			}
			if i%5 == 0 {
				ca := &store.CA{Named: store.Named{ID: fmt.Sprintf("ca%06x", rng.Uint32()), Name: name(), CreatedAt: t0.Add(time.Duration(rng.IntN(5)) * time.Second)}, Fingerprint: fmt.Sprintf("fp-%02x", rng.IntN(1<<20)),
					IsVerified: rng.IntN(2) == 0}
				if err := tx.PutCA(ca); err != nil && !isConflict(err) { // a repeated fingerprint: skip it
					return err
				}
			}
			if i%4 == 0 {
				r := &store.EdgeRouter{Named: store.Named{ID: fmt.Sprintf("er%06x", rng.Uint32()), Name: name()}, Cost: int64(rng.IntN(3))}
				if rng.IntN(2) == 0 {
					r.Fingerprint = "rfp-" + strconv.Itoa(i)
				}
				if err := tx.PutEdgeRouter(r); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	q := strconv.Quote
	pick := func() string { return names[rng.IntN(len(names))] }
	n1, n2, n3 := pick(), pick(), pick()
	some := make([]string, 0, 30)
	for range 30 {
		some = append(some, q(pick()))
	}
	list := "[" + strings.Join(some, ", ") + "]"
	identityCases := []listCase{
		{"", "", true},
		{"", "name", true},
		{"", "name desc", true},
		{"", "isAdmin", false},
		{"", "createdAt desc", false},
		{"", "externalId", false}, // partial index: not every identity has one
		{"true", "name", true},
		{"name = " + q(n1), "", true},
		{"name = " + q(n1), "name desc", true},
		{"name = \"no such name\"", "", true},
		{"name = " + q(n1) + " and isAdmin = true", "", true},
		{"isAdmin = false and name in " + list, "", true},
		{"isAdmin = false and name in " + list, "createdAt", true},
		{"isAdmin = false and name in " + list, "createdAt desc", true},
		{"name in " + list + " and anyOf(roleAttributes) = \"r1\"", "name desc", true},
		{"name in " + list + " and tags.k != \"v1\"", "isAdmin", true},
		{"name in " + list + " and name in [" + q(n1) + ", " + q(n2) + "]", "", true},
		{"name in [" + q(n1) + ", " + q(n2) + "] or name = " + q(n3), "name", true},
		{"(name = " + q(n1) + " or name = " + q(n2) + ") and externalId = null", "", true},
		{"name in []", "", true},
		{"externalId = \"ext-3\"", "", true},
		{"externalId in [\"ext-0\", \"ext-6\", \"ext-7\", \"ext-9\"] and name != " + q(n1), "createdAt", true},
		{"name = \"\"", "", false},
		{"name = " + q(n1) + " or isAdmin = true", "", false},
		{"not name = " + q(n1), "name", false},
		{"name contains \"a\"", "name", false},
		{"name >= \"b\"", "name desc", false},
		{"isAdmin = true", "", false},
	}
	routerCases := []listCase{
		{"", "name", true},
		{"", "name desc", true},
		{"", "fingerprint", false}, // partial: routers not enrolled have none
		{"fingerprint in [\"rfp-0\", \"rfp-4\", \"rfp-8\", \"rfp-12\", \"rfp-16\"]", "cost", true},
		{"fingerprint = \"\"", "", false},
		{"cost > 0", "name", false},
	}
	caCases := []listCase{
		{"", "name", true},
		{"", "fingerprint desc", true},
		{"", "createdAt", false},
		{"isVerified = true", "fingerprint", false},
	}
	err = db.View(func(tx *store.Tx) error {
		var some []*store.CA
		if some, err = store.List[store.CA](tx, store.BucketCAs); err != nil {
			return err
		}
		for _, c := range some[:min(3, len(some))] {
			caCases = append(caCases, listCase{"name = " + q(c.Name) + " or fingerprint = \"none\"", "", false},
				listCase{"fingerprint = " + q(c.Fingerprint) + " and isVerified = " + strconv.FormatBool(c.IsVerified), "", true})
		}
		compareFastPage(t, tx, store.BucketIdentities, identities.fields, func(v *store.Identity) string { return v.ID }, identityCases)
		compareFastPage(t, tx, store.BucketEdgeRouters, edgeRouters.fields, func(v *store.EdgeRouter) string { return v.ID }, routerCases)
		compareFastPage(t, tx, store.BucketCAs, cas.fields, func(v *store.CA) string { return v.ID }, caCases)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func isConflict(err error) bool { var ce *store.ConflictError; return errors.As(err, &ce) }

// compareFastPage runs every case at several offsets and limits through
// fastPage and through page() over store.List, and fails on any difference.
func compareFastPage[E any](t *testing.T, tx *store.Tx, bucket string, fields func(*E) filter.Fields, id func(*E) string, cases []listCase) {
	t.Helper()
	all, err := store.List[E](tx, bucket)
	if err != nil {
		t.Fatal(err)
	}
	n := int64(len(all))
	pages := [][2]int64{{0, 1}, {0, 10}, {0, MaxLimit}, {7, 3}, {n / 2, 100}, {n - 5, 10}, {n - 1, 1}, {n, 10}, {n + 50, 10}}
	ids := func(items []*E) string {
		s := make([]string, len(items))
		for i, it := range items {
			s[i] = id(it)
		}
		return strings.Join(s, ",")
	}
	for _, tc := range cases {
		e, err := filter.Parse(tc.filter)
		if err != nil {
			t.Fatalf("%s: filter %q: %v", bucket, tc.filter, err)
		}
		f, dir, _ := strings.Cut(tc.sort, " ")
		for _, pg := range pages {
			q := &listQuery{offset: pg[0], limit: pg[1], filter: e, sortField: f, sortDesc: dir == "desc"}
			want, wantPg := page(q, slices.Clone(all), fields)
			got, gotPg, ok, err := fastPage(tx, q, bucket, fields)
			if err != nil {
				t.Fatalf("%s filter %q sort %q offset %d limit %d: %v", bucket, tc.filter, tc.sort, pg[0], pg[1], err)
			}
			if ok != tc.fast {
				t.Errorf("%s filter %q sort %q: fast path taken = %v, want %v", bucket, tc.filter, tc.sort, ok, tc.fast)
				break
			}
			if !ok {
				continue
			}
			if g, w := ids(got), ids(want); g != w || gotPg != wantPg {
				t.Errorf("%s filter %q sort %q offset %d limit %d:\n fast %v %s\n slow %v %s", bucket, tc.filter, tc.sort, pg[0], pg[1], gotPg, g, wantPg, w)
			}
		}
	}
}
