package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// faultRig is what the fault tests share: a terraform working directory
// with n ziti_identity resources named prefix-0 .. prefix-(n-1), and an
// out-of-band admin client that compares the controller with the state.
type faultRig struct {
	t      *testing.T
	d      *tfDriver
	api    *edgeapi.Client
	prefix string
	n      int
}

// newFaultRig writes the configuration for n identities against the
// controller at url (trusting caFile) and returns the rig. The password
// travels in ZITI_PASSWORD, as a user would pass it; env is added to
// terraform's environment. No init: the dev_overrides serve the only
// provider.
func newFaultRig(t *testing.T, api *edgeapi.Client, url, user, pw, caFile string, n int, env ...string) *faultRig {
	t.Helper()
	return newFaultRigHCL(t, api, passwordProviderHCL(url, user, caFile), pw, n, env...)
}

// newFaultRigHCL is newFaultRig with the terraform and provider blocks
// given (several endpoints, say).
func newFaultRigHCL(t *testing.T, api *edgeapi.Client, providerHCL, pw string, n int, env ...string) *faultRig {
	t.Helper()
	prefix := fmt.Sprintf("fault-%d", time.Now().UnixNano()%1e6)
	d := newTFDriver(t, providerHCL+fmt.Sprintf(`
resource "ziti_identity" "x" {
  count = %d
  name  = "%s-${count.index}"
}
`, n, prefix), append([]string{"ZITI_PASSWORD=" + pw}, env...)...)
	return &faultRig{t: t, d: d, api: api, prefix: prefix, n: n}
}

// controllerIdentities lists the controller's identities of this rig, by id.
func (r *faultRig) controllerIdentities(ctx context.Context) (map[string]string, error) {
	list, err := r.api.ListIdentities(ctx, edgeapi.ListOptions{Filter: "name contains " + edgeapi.QuoteFilter(r.prefix+"-")})
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for _, i := range list {
		ids[i.ID] = i.Name
	}
	return ids, nil
}

// controllerIDs is controllerIdentities that fails the test on error.
func (r *faultRig) controllerIDs() map[string]string {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ids, err := r.controllerIdentities(ctx)
	if err != nil {
		r.t.Fatalf("listing identities: %v", err)
	}
	return ids
}

// waitForCount blocks until at least k identities of the rig exist on the
// controller (polling; errors while the controller is busy are ignored),
// until timeout, or until stop is closed (nil: never). It reports how many
// it last saw.
func (r *faultRig) waitForCount(k int, timeout time.Duration, stop <-chan struct{}) (int, bool) {
	deadline := time.Now().Add(timeout)
	seen := 0
	for time.Now().Before(deadline) {
		select {
		case <-stop:
			return seen, false
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		ids, err := r.controllerIdentities(ctx)
		cancel()
		if err == nil {
			seen = len(ids)
			if seen >= k {
				return seen, true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return seen, false
}

// faultStrike says when applyWithFault's fault struck.
type faultStrike struct {
	seen int       // identities seen on the controller when it struck
	at   time.Time // when it struck
	ok   bool      // false: the apply ended (or k was not reached) first
}

// applyWithFault runs the apply and, in parallel, once at least k of the
// rig's identities exist on the controller (polled), runs fault, which may
// wait on stop (closed when the apply has ended). It returns when the fault
// struck, when the apply started and ended, and its output and error.
func (r *faultRig) applyWithFault(k int, fault func(stop <-chan struct{})) (faultStrike, time.Time, time.Time, string, error) {
	struck := make(chan faultStrike, 1)
	applied := make(chan struct{})
	go func() {
		seen, ok := r.waitForCount(k, 3*time.Minute, applied)
		if !ok || seen >= r.n {
			struck <- faultStrike{seen: seen}
			return
		}
		at := time.Now()
		fault(applied)
		struck <- faultStrike{seen: seen, at: at, ok: true}
	}()
	start := time.Now()
	out, err := r.apply()
	end := time.Now()
	close(applied)
	return <-struck, start, end, out, err
}

// stateIDs are the ids of the ziti_identity resources in the state.
func (r *faultRig) stateIDs() map[string]bool {
	r.t.Helper()
	return stateIDsOf(r.d, "ziti_identity")
}

// stateIDsOf are the ids of the resources of type tfType in d's state.
func stateIDsOf(d *tfDriver, tfType string) map[string]bool {
	d.t.Helper()
	out := d.must("show", "-json", "-no-color")
	var st struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if i := strings.Index(out, "{"); i >= 0 {
		out = out[i:]
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		d.t.Fatalf("terraform show -json: %v", err)
	}
	ids := map[string]bool{}
	for _, res := range st.Values.RootModule.Resources {
		if res.Type == tfType {
			ids[fmt.Sprint(res.Values["id"])] = true
		}
	}
	return ids
}

// diff compares the controller with the state: identities the controller
// has that the state does not track ("id (name)"), and ids in the state
// that the controller lacks.
func (r *faultRig) diff() (untracked, missing []string, onController int) {
	r.t.Helper()
	c, s := r.controllerIDs(), r.stateIDs()
	for id, name := range c {
		if !s[id] {
			untracked = append(untracked, id+" ("+name+")")
		}
	}
	for id := range s {
		if _, ok := c[id]; !ok {
			missing = append(missing, id)
		}
	}
	sort.Strings(untracked)
	sort.Strings(missing)
	return untracked, missing, len(c)
}

// same fails the test unless the state and the controller agree exactly.
func (r *faultRig) same(when string) {
	r.t.Helper()
	untracked, missing, n := r.diff()
	if len(untracked)+len(missing) > 0 {
		r.t.Fatalf("%s: state and controller differ: %d untracked on the controller %v, %d in state but not on the controller %v",
			when, len(untracked), untracked, len(missing), missing)
	}
	r.t.Logf("%s: state and controller agree on %d identities", when, n)
}

// apply runs the (possibly faulty) apply and returns its output and error.
func (r *faultRig) apply() (string, error) {
	return r.d.run("apply", "-auto-approve", "-input=false", "-no-color")
}

// requireClearFailure fails the test unless a failed apply's output is a
// clear error: diagnostics naming what failed, no panic or crash.
func requireClearFailure(t *testing.T, out string) {
	t.Helper()
	if !strings.Contains(out, "Error:") || strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") ||
		strings.Contains(out, "plugin exited") || strings.Contains(out, "Plugin did not respond") {
		t.Fatalf("the apply failed without a clear error:\n%s", tail(out, 40))
	}
}

// sourceLine is a configuration line quoted in a diagnostic ("12: resource ...").
var sourceLine = regexp.MustCompile(`^[0-9]+: `)

// errorSummaries are the distinct "Error:" diagnostics of out, each with
// its detail on one line, and how often each occurred.
func errorSummaries(out string) map[string]int {
	got := map[string]int{}
	blocks := strings.Split(out, "Error: ")
	for _, b := range blocks[1:] {
		// A diagnostic ends at the next blank line after its detail.
		lines := strings.Split(b, "\n")
		var keep []string
		blank := 0
		for _, l := range lines {
			l = strings.TrimSpace(strings.Trim(l, "│╷╵ "))
			if l == "" {
				if blank++; blank > 1 {
					break
				}
				continue
			}
			if strings.HasPrefix(l, "with ziti_identity") || strings.HasPrefix(l, "on main.tf") || sourceLine.MatchString(l) {
				continue
			}
			keep = append(keep, l)
		}
		// Identity names and ids differ per diagnostic; the shape is what
		// matters for the summary.
		s := strings.Join(keep, " ")
		got[s]++
	}
	return got
}

// converge runs the second apply (which must reach exactly n identities
// and agree with the controller), a plan that must be empty, and destroy,
// which must leave nothing.
func (r *faultRig) converge() {
	r.t.Helper()
	r.d.must("apply", "-auto-approve", "-input=false", "-no-color")
	r.same("after the second apply")
	if got := len(r.controllerIDs()); got != r.n {
		r.t.Fatalf("%d identities on the controller, want %d", got, r.n)
	}
	r.d.must("plan", "-detailed-exitcode", "-input=false", "-no-color")
	r.d.must("destroy", "-auto-approve", "-input=false", "-no-color")
	if left := r.controllerIDs(); len(left) != 0 {
		r.t.Fatalf("%d identities left after destroy", len(left))
	}
}
