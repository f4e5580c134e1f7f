package provider

import (
	"bufio"
	"context"
	"crypto/x509"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// childController is controllersrv run as a child process (`controllersrv
// quickstart` on a fixed home and address), so that a test can kill it
// with SIGKILL, as a crash or an OOM kill would, and start it again.
type childController struct {
	t          *testing.T
	bin        string
	home, addr string
	user, pw   string
	cmd        *exec.Cmd
	exited     chan struct{}
	starts     int
}

// newChildController builds controllersrv from this checkout and picks a
// free loopback port for its address (the same on every restart).
func newChildController(t *testing.T, user, pw string) *childController {
	t.Helper()
	dir := t.TempDir()
	root, _ := filepath.Abs("../..")
	bin := filepath.Join(dir, "controllersrv")
	build := exec.Command("go", "build", "-o", bin, "./controllersrv")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building controllersrv: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := &childController{t: t, bin: bin, home: filepath.Join(dir, "home"), addr: addr, user: user, pw: pw}
	t.Cleanup(func() {
		if c.cmd != nil {
			c.kill()
		}
	})
	return c
}

// URL is the controller's root URL.
func (c *childController) URL() string { return "https://" + c.addr }

// caFile is the CA bundle clients trust (written by the first start).
func (c *childController) caFile() string { return filepath.Join(c.home, "pki", "cas.pem") }

// start runs the controller and returns once it serves: quickstart prints
// its summary only after the listener is up. The controller's log goes to
// a file of the test (kept for a failure's diagnosis via -test.v output).
func (c *childController) start() {
	c.t.Helper()
	c.starts++
	logf, err := os.Create(filepath.Join(filepath.Dir(c.home), fmt.Sprintf("controller-%d.log", c.starts)))
	if err != nil {
		c.t.Fatal(err)
	}
	cmd := exec.Command(c.bin, "quickstart", "--home", c.home, "--address", c.addr, "--admin-username", c.user, "--log-level", "warn")
	cmd.Env = append(os.Environ(), "ZITI_PASSWORD="+c.pw)
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		c.t.Fatal(err)
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		c.t.Fatalf("starting controllersrv: %v", err)
	}
	c.cmd, c.exited = cmd, make(chan struct{})
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		signalled := false
		for sc.Scan() {
			if !signalled && strings.HasPrefix(sc.Text(), "controller:") {
				close(ready)
				signalled = true
			}
		}
		_ = cmd.Wait()
		logf.Close()
		close(c.exited)
	}()
	select {
	case <-ready:
		c.t.Logf("controllersrv (pid %d) serves %s after %v", cmd.Process.Pid, c.addr, time.Since(t0).Round(time.Millisecond))
	case <-c.exited:
		log, _ := os.ReadFile(logf.Name())
		c.t.Fatalf("controllersrv exited before serving:\n%s", tail(string(log), 30))
	case <-time.After(time.Minute):
		c.t.Fatalf("controllersrv did not serve %s within a minute", c.addr)
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *childController) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.exited
	c.cmd = nil
}

// api is an admin client for out-of-band checks.
func (c *childController) api() *edgeapi.Client {
	c.t.Helper()
	pem, err := os.ReadFile(c.caFile())
	if err != nil {
		c.t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	api, err := edgeapi.New(edgeapi.Config{Endpoint: c.URL(), Username: c.user, Password: c.pw, RootCAs: pool})
	if err != nil {
		c.t.Fatal(err)
	}
	return api
}

// TestAccFaultControllerKilledDuringApply is the hard-fault version of
// TestAccFaultControllerRestartDuringApply: the controller runs as a child
// process (controllersrv one of its own; the real controller always does),
// and while terraform applies 200 identities it gets SIGKILL once a random
// number K in [20, 150] of them exist, and is started again at once on the
// same home and address. In-flight requests die with their connections; a
// POST may have been committed without its answer reaching the provider.
// The apply must succeed or fail with clear errors, and the state must then
// match the controller exactly (no untracked identity, no id in state the
// controller lacks); a second apply converges, plans nothing afterwards,
// and destroy leaves nothing. Several rounds, each at a new random point,
// on the same controller home.
func TestAccFaultControllerKilledDuringApply(t *testing.T) {
	requireAcc(t)
	const n, rounds = 200, 5
	var (
		url, user, pw, caFile string
		api                   *edgeapi.Client
		crash                 func() // SIGKILL, then start again on the same home and address
	)
	if testctl.Selected() == testctl.Controllersrv {
		// The shared controllersrv runs inside this process: a child
		// process of its own is what can be killed.
		user, pw = "admin", "kill-pw-0123456789"
		ctrl := newChildController(t, user, pw)
		ctrl.start()
		url, caFile, api = ctrl.URL(), ctrl.caFile(), ctrl.api()
		crash = func() { ctrl.kill(); ctrl.start() }
	} else {
		ctl := accController(t)
		url, user, pw, caFile, api = ctl.URL, ctl.Username, ctl.Password, ctl.CAFile, accClient(t)
		crash = func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			if err := ctl.Kill(ctx); err != nil {
				t.Errorf("kill -9 and restart of %s: %v", ctl, err)
			}
		}
	}
	// TF_LOG_PROVIDER=WARN shows the provider's "sending the create again"
	// lines, so the test can count the creates whose answer was lost.
	rig := newFaultRig(t, api, url, user, pw, caFile, n, "TF_LOG_PROVIDER=WARN")
	// A round whose kill came too late (the apply had already finished:
	// the poll is slower than the apply on a busy machine) proves nothing
	// and is run again, a few times at most.
	done := 0
	for attempt := 1; done < rounds; attempt++ {
		if attempt > rounds+3 {
			t.Fatalf("only %d of %d rounds killed the controller during the apply", done, rounds)
		}
		k := 20 + rand.IntN(131)
		var down time.Duration
		kl, t0, end, out, applyErr := rig.applyWithFault(k, func(<-chan struct{}) {
			at := time.Now()
			crash()
			down = time.Since(at)
		})
		if !kl.ok || !kl.at.Before(end) {
			t.Logf("attempt %d: the apply finished before the kill (K=%d, %d seen): not counted", attempt, k, kl.seen)
			if kl.ok {
				rig.same(fmt.Sprintf("attempt %d, after the apply", attempt))
			}
			rig.converge()
			continue
		}
		done++
		round := done
		_, _, onCtrl := rig.diff()
		adopted := strings.Count(out, "Warning: Adopted identity")
		resent := strings.Count(out, "sending the create again")
		outcome := fmt.Sprintf("succeeded in %v", end.Sub(t0).Round(time.Millisecond))
		if applyErr != nil {
			requireClearFailure(t, out)
			var lines []string
			for s, c := range errorSummaries(out) {
				lines = append(lines, fmt.Sprintf("%dx %q", c, s))
			}
			outcome = fmt.Sprintf("failed after %v with:\n  %s\n ", end.Sub(t0).Round(time.Millisecond), strings.Join(lines, "\n  "))
		}
		t.Logf("round %d: kill -9 when %d identities existed (K=%d), %v into the apply, serving again after %v; the apply %s; lost answers: %d created and adopted, %d not applied and sent again; %d identities on the controller",
			round, kl.seen, k, kl.at.Sub(t0).Round(time.Millisecond), down.Round(time.Millisecond), outcome, adopted, resent, onCtrl)
		rig.same(fmt.Sprintf("round %d, after the killed apply", round))
		rig.converge()
	}
}
