// Package softhsmtest gives tests a private SoftHSM v2 token: its own
// SOFTHSM2_CONF and token directory in a temp dir, found by label (SoftHSM
// slot ids are random). It also holds RequireTool, the loud-skip rule for
// external programs the tests drive.
package softhsmtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Module is where Debian's softhsm2 package installs the PKCS#11 module.
const Module = "/usr/lib/softhsm/libsofthsm2.so"

// HSM is one initialized token.
type HSM struct {
	Module, Label, UserPIN, SOPIN, Dir string
}

// RequireTool returns the path of an external program. When it is missing
// the test is skipped with a loud message, except under CI=true, where CI
// installs it (.ci/run) and a missing tool is a failure.
func RequireTool(t testing.TB, name, aptPackages string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin"} {
		if p := filepath.Join(dir, name); isExec(p) {
			return p
		}
	}
	msg := fmt.Sprintf("\n\n*** %s NOT FOUND: this test is SKIPPED and proves nothing here. Install it: apt-get install -y %s ***\n", name, aptPackages)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// New initializes a token with the given label in a fresh SoftHSM store and
// points SOFTHSM2_CONF at it for the rest of the test.
func New(t testing.TB, label string) *HSM {
	t.Helper()
	util := RequireTool(t, "softhsm2-util", "softhsm2")
	if !isFile(Module) {
		msg := "\n\n*** " + Module + " NOT FOUND: SoftHSM tests SKIPPED. Install it: apt-get install -y softhsm2 ***\n"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	h := &HSM{Module: Module, Label: label, UserPIN: "user-pin-4711", SOPIN: "so-pin-0815", Dir: dir}
	out, err := exec.Command(util, "--init-token", "--free", "--label", label, "--so-pin", h.SOPIN, "--pin", h.UserPIN).CombinedOutput()
	if err != nil {
		t.Fatalf("softhsm2-util --init-token: %v\n%s", err, out)
	}
	return h
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// Tool runs OpenSC's pkcs11-tool against the token, logged in.
func (h *HSM) Tool(t testing.TB, args ...string) string {
	t.Helper()
	bin := RequireTool(t, "pkcs11-tool", "opensc")
	all := append([]string{"--module", h.Module, "--token-label", h.Label, "--login", "--pin", h.UserPIN}, args...)
	out, err := exec.Command(bin, all...).CombinedOutput()
	if err != nil {
		t.Fatalf("pkcs11-tool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
