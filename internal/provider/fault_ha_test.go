package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// haProviderHCL is the terraform block and a provider block listing every
// member of cl (the password travels in ZITI_PASSWORD).
func haProviderHCL(cl *testctl.Cluster) string {
	var eps []string
	for _, u := range cl.URLs() {
		eps = append(eps, fmt.Sprintf("%q", u))
	}
	return fmt.Sprintf(`terraform {
  required_providers {
    ziti = { source = "zitiform/ziti" }
  }
}
provider "ziti" {
  endpoints = [%s]
  username  = %q
  ca_file   = %q
}
`, strings.Join(eps, ", "), cl.Username, cl.CAFile)
}

// TestAccHAControllerKilledDuringApply applies 200 identities with the
// provider block listing the three controllers of a real OpenZiti HA
// cluster, and kills (SIGKILL) the one the provider uses, the first
// endpoint and the cluster's leader, once 60 of them exist (seen through
// another member). In-flight requests die with their connections, the
// others are refused; the provider moves to the next member, logs in there
// (API sessions are per controller), and its creates wait out the
// election (the members answer 500 and then 503 CLUSTER_NO_LEADER to
// writes until a new leader is elected) or are settled by name when their
// answer was lost. The apply must succeed, the state must match the
// cluster exactly (no duplicate, none missing), and the next plan must be
// empty. It logs the failover timings against a no-failure baseline.
func TestAccHAControllerKilledDuringApply(t *testing.T) {
	requireRealController(t, "an HA cluster is OpenZiti's raft clustering of several controllers, which controllersrv (one process, one embedded store) does not have; make testacc runs this test on the real controller with terraform and with OpenTofu")
	const n, k = 200, 60
	cl := testctl.StartClusterT(t, 3)
	// Poll and compare through the second member: the first is killed.
	watcher := cl.Members[1]
	api, err := edgeapi.New(edgeapi.Config{Endpoint: watcher.URL, Username: cl.Username, Password: cl.Password, RootCAs: watcher.CertPool()})
	if err != nil {
		t.Fatal(err)
	}
	rig := newFaultRigHCL(t, api, haProviderHCL(cl), cl.Password, n, "TF_LOG_PROVIDER=WARN")

	// The baseline: the same apply with no failure, and destroy.
	t0 := time.Now()
	rig.d.must("apply", "-auto-approve", "-input=false", "-no-color")
	baseline := time.Since(t0)
	sameEventually(rig, "after the baseline apply")
	rig.d.must("destroy", "-auto-approve", "-input=false", "-no-color")
	if left := idsEventually(rig, 0); len(left) != 0 {
		t.Fatalf("%d identities left after the baseline destroy", len(left))
	}

	// After the kill: how many exist right after it, then how long until
	// the count grows (the provider moved on and the cluster takes writes).
	var afterKill int
	var resumedAfter time.Duration
	kl, t1, end, out, applyErr := rig.applyWithFault(k, func(stop <-chan struct{}) {
		at := time.Now()
		if err := cl.Members[0].Stop(true); err != nil {
			t.Errorf("kill -9 of %s: %v", cl.Members[0], err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		ids, _ := rig.controllerIdentities(ctx) // not controllerIDs: no Fatal off the test goroutine
		cancel()
		afterKill = len(ids)
		if got, grew := rig.waitForCount(afterKill+1, 2*time.Minute, stop); grew || got > afterKill {
			resumedAfter = time.Since(at)
		}
	})
	if !kl.ok || !kl.at.Before(end) {
		t.Fatalf("the apply (%v) finished before the kill (%d identities seen): the kill point is too late for this machine", end.Sub(t1), kl.seen)
	}
	if applyErr != nil {
		t.Fatalf("the apply with the first controller killed failed: %v\n%s", applyErr, tail(out, 60))
	}
	// The provider's first failover warning after the kill: how long it
	// took to notice and move on.
	moved := "no failover logged"
	if at, line, ok := firstLogAfter(out, edgeapi.MsgFailover, kl.at); ok {
		moved = fmt.Sprintf("the provider moved to the next endpoint %v after the kill (%d failovers logged; first: %s)",
			at.Sub(kl.at).Round(time.Millisecond), strings.Count(out, edgeapi.MsgFailover), line)
	}
	adopted := strings.Count(out, "Warning: Adopted identity")
	resent := strings.Count(out, "sending the create again")
	resumed := "did not resume before the apply ended"
	if resumedAfter > 0 {
		resumed = fmt.Sprintf("the cluster's identity count grew again %v after the kill", resumedAfter.Round(time.Millisecond))
	}
	if !strings.Contains(moved, "moved") {
		t.Fatalf("the apply succeeded but the provider logged no failover after the kill:\n%s", tail(out, 40))
	}
	t.Logf("failover: kill -9 of the first endpoint (the leader) when %d identities existed, %v into the apply (%d right after); %s; %s; "+
		"the apply succeeded in %v (no-failure baseline %v, +%v); lost answers: %d created and adopted, %d not applied and sent again",
		kl.seen, kl.at.Sub(t1).Round(time.Millisecond), afterKill, moved, resumed,
		end.Sub(t1).Round(time.Millisecond), baseline.Round(time.Millisecond), (end.Sub(t1) - baseline).Round(time.Millisecond), adopted, resent)

	// The state is the cluster's: every name once, every id known.
	sameEventually(rig, "after the apply with the first controller killed")
	names := map[string]bool{}
	for _, name := range idsEventually(rig, n) {
		if names[name] {
			t.Fatalf("identity %s exists twice on the cluster", name)
		}
		names[name] = true
	}
	if len(names) != n {
		t.Fatalf("%d identities on the cluster, want %d", len(names), n)
	}
	t2 := time.Now()
	rig.d.must("plan", "-detailed-exitcode", "-input=false", "-no-color")
	t.Logf("the next plan (refresh of %d identities, first endpoint still down) is empty, in %v", n, time.Since(t2).Round(time.Millisecond))
	rig.d.must("destroy", "-auto-approve", "-input=false", "-no-color")
	if left := idsEventually(rig, 0); len(left) != 0 {
		t.Fatalf("%d identities left after destroy", len(left))
	}
}

// firstLogAfter finds the first log line of terraform's output holding msg
// and stamped (RFC 3339, as TF_LOG prints) at or after since.
func firstLogAfter(out, msg string, since time.Time) (time.Time, string, bool) {
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, msg) {
			continue
		}
		stamp, _, _ := strings.Cut(line, " ")
		at, err := time.Parse(time.RFC3339Nano, stamp)
		if err != nil || at.Before(since) {
			continue
		}
		if len(line) > 300 {
			line = line[:300] + "..."
		}
		return at, line, true
	}
	return time.Time{}, "", false
}

// followerLag bounds how long the checks through a follower wait for it: a
// cluster member applies the leader's log a moment after the leader
// committed it (its own writes a member reads at once: it waits for their
// index), so a comparison is repeated for up to this long before it counts.
const followerLag = 10 * time.Second

// sameEventually is faultRig.same through a follower.
func sameEventually(r *faultRig, when string) {
	r.t.Helper()
	for deadline := time.Now().Add(followerLag); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if untracked, missing, _ := r.diff(); len(untracked)+len(missing) == 0 {
			break
		}
	}
	r.same(when)
}

// idsEventually is faultRig.controllerIDs through a follower, once it
// lists want identities (or followerLag has passed).
func idsEventually(r *faultRig, want int) map[string]string {
	r.t.Helper()
	ids := r.controllerIDs()
	for deadline := time.Now().Add(followerLag); len(ids) != want && time.Now().Before(deadline); ids = r.controllerIDs() {
		time.Sleep(200 * time.Millisecond)
	}
	return ids
}
