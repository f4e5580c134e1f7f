package provider

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestAccFaultControllerRestartDuringApply restarts the controller (same
// home, same address) while terraform applies 200 identities. The apply
// must either succeed through the client's retries or fail with a clear
// error; either way the state must then match the controller exactly: no
// identity the controller has that the state does not track, none in the
// state that the controller lacks. A second apply converges, and destroy
// leaves nothing behind. TestAccFaultControllerKilledDuringApply is the
// same with kill -9 instead of a graceful stop.
func TestAccFaultControllerRestartDuringApply(t *testing.T) {
	ctl := accController(t)
	api := accClient(t)
	const n = 200
	rig := newFaultRig(t, api, ctl.URL, ctl.Username, ctl.Password, ctl.CAFile, n)

	// Restart once a fifth of the identities exist: a graceful stop
	// (in-flight requests finish, new connections are refused), 1.5 s down,
	// then the same home on the same address.
	restarted := make(chan time.Duration, 1)
	go func() {
		rig.waitForCount(n/5, 5*time.Minute, nil)
		t0 := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if err := ctl.RestartAfter(ctx, 1500*time.Millisecond); err != nil {
			t.Errorf("restarting %s: %v", ctl, err)
		}
		restarted <- time.Since(t0)
	}()
	out, applyErr := rig.apply()
	var down time.Duration
	select {
	case down = <-restarted:
	case <-time.After(4 * time.Minute):
		t.Fatal("the controller was never restarted: the apply finished before a fifth of the identities existed")
	}
	if applyErr != nil {
		requireClearFailure(t, out)
		t.Logf("the apply failed across a %v restart, with: %s", down.Round(time.Millisecond), strings.Join(strings.Fields(tail(out[strings.Index(out, "Error:"):], 8)), " "))
	} else {
		t.Logf("the apply succeeded across a %v restart (client retries)", down.Round(time.Millisecond))
	}
	rig.same("after the faulty apply")
	// The next apply converges to exactly n, and then plans nothing.
	rig.converge()
}
