package testctl

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// ZitiPKICreate runs the real `ziti pki create <args> --pki-root root`
// (the test fails when it fails) and removes the CLI agent socket it leaves
// behind. The ziti binary must exist: call RequireZiti first.
func ZitiPKICreate(t testing.TB, root string, args ...string) {
	t.Helper()
	bin, err := ZitiBinary()
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	cmd := exec.Command(bin, append(append([]string{"pki", "create"}, args...), "--pki-root", root)...)
	out, err := cmd.CombinedOutput()
	if cmd.Process != nil {
		_ = os.Remove(fmt.Sprintf("/tmp/gops-agent.%d.sock", cmd.Process.Pid))
	}
	if err != nil {
		t.Fatalf("ziti pki create %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("ziti pki create %s: %v", args[0], time.Since(t0).Round(time.Millisecond))
}
