// Package tpmtest gives tests a private software TPM with a tpm2-pkcs11
// token: swtpm listening on 127.0.0.1 only, a token store made with
// tpm2_ptool in a temp dir, and the environment that points tpm2-pkcs11 at
// both. The TPM is reached directly, without a resource manager, as a TPM on
// a bus or behind a careless driver is: whatever a client leaves loaded stays
// loaded, and the TPM has room for three objects and three sessions, so a
// leak shows at once. Loaded lists what the TPM holds.
package tpmtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll/softhsmtest"
)

const packages = "swtpm swtpm-tools tpm2-tools tpm2-abrmd libtss2-tcti-tabrmd0 libtss2-tcti-swtpm0 libtpm2-pkcs11-1 libtpm2-pkcs11-tools dbus-daemon opensc"

// TPM is a running software TPM with one initialised token.
type TPM struct {
	Module, Label, UserPIN, SOPIN, Store string
	// TCTI reaches the TPM directly (no resource manager).
	TCTI string
	// Slot is the token's slot id: tpm2-pkcs11 numbers the tokens of a
	// store from 1.
	Slot int
}

// New starts swtpm and makes a token with the given label. It sets
// TPM2_PKCS11_TCTI and TPM2_PKCS11_STORE for the rest of the test.
func New(t testing.TB, label string) *TPM {
	t.Helper()
	swtpm := softhsmtest.RequireTool(t, "swtpm", packages)
	ptool := softhsmtest.RequireTool(t, "tpm2_ptool", packages)
	abrmd := softhsmtest.RequireTool(t, "tpm2-abrmd", packages)
	dbus := softhsmtest.RequireTool(t, "dbus-daemon", packages)
	softhsmtest.RequireTool(t, "tpm2_getcap", packages)
	module := findModule(t)

	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	store := filepath.Join(dir, "store")
	for _, d := range []string{state, store} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	port, ctrl := freePortPair(t)
	start(t, "swtpm", swtpm, nil, "socket", "--tpm2",
		"--server", "type=tcp,port="+port+",bindaddr=127.0.0.1",
		"--ctrl", "type=tcp,port="+ctrl+",bindaddr=127.0.0.1",
		"--tpmstate", "dir="+state, "--flags", "not-need-init,startup-clear")
	waitTCP(t, "127.0.0.1:"+ctrl)

	tp := &TPM{Module: module, Label: label, UserPIN: "tpm-user-4711", SOPIN: "tpm-so-0815", Store: store,
		TCTI: "swtpm:host=127.0.0.1,port=" + port, Slot: 1}

	// tpm2_ptool runs tpm2-tools commands that each leave objects loaded
	// for the next; a TPM reached directly runs out of room within one
	// command. The token is made through tpm2-abrmd on a private D-Bus
	// session bus, which flushes each command's objects, and both are
	// stopped before the test uses the TPM directly.
	busDir, err := os.MkdirTemp("", "ztpm")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(busDir)
	bus := "unix:path=" + filepath.Join(busDir, "bus")
	stopBus := start(t, "dbus-daemon", dbus, nil, "--session", "--address="+bus, "--nofork", "--nopidfile")
	defer stopBus()
	waitFile(t, filepath.Join(busDir, "bus"))
	name := fmt.Sprintf("com.intel.tss2.Tabrmd.zitiform%d_%s", os.Getpid(), port)
	env := []string{"DBUS_SESSION_BUS_ADDRESS=" + bus}
	args := []string{"--session", "--dbus-name=" + name, "--tcti=" + tp.TCTI, "--flush-all"}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-root")
	}
	stopRM := start(t, "tpm2-abrmd", abrmd, env, args...)
	defer stopRM()
	rm := append(env, "TPM2TOOLS_TCTI=tabrmd:bus_type=session,bus_name="+name, "TPM2_PKCS11_TCTI=tabrmd:bus_type=session,bus_name="+name)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := run(rm, "tpm2_getcap", "properties-fixed"); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("tpm2-abrmd did not come up: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if out, err := run(rm, ptool, "init", "--path", store); err != nil {
		t.Fatalf("tpm2_ptool init: %v\n%s", err, out)
	}
	if out, err := run(rm, ptool, "addtoken", "--pid=1", "--label="+label, "--sopin="+tp.SOPIN, "--userpin="+tp.UserPIN, "--path", store); err != nil {
		t.Fatalf("tpm2_ptool addtoken: %v\n%s", err, out)
	}
	stopRM()
	stopBus()

	t.Setenv("TPM2_PKCS11_TCTI", tp.TCTI)
	t.Setenv("TPM2_PKCS11_STORE", store)
	if l := tp.Loaded(t); len(l) != 0 {
		t.Fatalf("the fresh TPM holds %v", l)
	}
	return tp
}

// findModule locates tpm2-pkcs11 where Debian installs it (per architecture).
func findModule(t testing.TB) string {
	for _, pat := range []string{"/usr/lib/*/pkcs11/libtpm2_pkcs11.so", "/usr/lib/*/libtpm2_pkcs11.so.1", "/usr/lib/pkcs11/libtpm2_pkcs11.so", "/usr/lib64/pkcs11/libtpm2_pkcs11.so"} {
		if m, _ := filepath.Glob(pat); len(m) > 0 {
			return m[0]
		}
	}
	msg := "\n\n*** libtpm2_pkcs11.so NOT FOUND: TPM tests SKIPPED and prove nothing here. Install it: apt-get install -y " + packages + " ***\n"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Loaded lists the transient objects and the loaded and saved sessions the
// TPM holds. Between commands of a client that cleans up it is empty.
// Every PKCS#11 key of this process must be closed first: swtpm serves one
// connection at a time.
func (tp *TPM) Loaded(t testing.TB) []string {
	t.Helper()
	var all []string
	for _, what := range []string{"handles-transient", "handles-loaded-session", "handles-saved-session"} {
		out, err := run([]string{"TPM2TOOLS_TCTI=" + tp.TCTI}, "tpm2_getcap", what)
		if err != nil {
			t.Fatalf("tpm2_getcap %s: %v\n%s", what, err, out)
		}
		for _, l := range strings.Split(out, "\n") {
			if h := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "-")); h != "" {
				all = append(all, what+" "+h)
			}
		}
	}
	return all
}

// LockoutCounter is the TPM's dictionary-attack failure count: each wrong
// PIN tried raises it by one.
func (tp *TPM) LockoutCounter(t testing.TB) int {
	t.Helper()
	out, err := run([]string{"TPM2TOOLS_TCTI=" + tp.TCTI}, "tpm2_getcap", "properties-variable")
	if err != nil {
		t.Fatalf("tpm2_getcap properties-variable: %v\n%s", err, out)
	}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(l), ":"); ok && k == "TPM2_PT_LOCKOUT_COUNTER" {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 0, 64)
			if err != nil {
				t.Fatalf("TPM2_PT_LOCKOUT_COUNTER %q", v)
			}
			return int(n)
		}
	}
	t.Fatalf("no TPM2_PT_LOCKOUT_COUNTER in:\n%s", out)
	return 0
}

// Tool runs OpenSC's pkcs11-tool against the token, logged in.
func (tp *TPM) Tool(t testing.TB, args ...string) string {
	t.Helper()
	bin := softhsmtest.RequireTool(t, "pkcs11-tool", packages)
	all := append([]string{"--module", tp.Module, "--token-label", tp.Label, "--login", "--pin", tp.UserPIN}, args...)
	out, err := run(nil, bin, all...)
	if err != nil {
		t.Fatalf("pkcs11-tool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func run(env []string, bin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// start runs a daemon for the rest of the test (or until the returned stop)
// in its own process group, stopped by its pid.
func start(t testing.TB, name, bin string, env []string, args ...string) (stop func()) {
	t.Helper()
	var log bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if t.Failed() && log.Len() > 0 {
			t.Logf("%s output:\n%s", name, log.String())
		}
	}
	t.Cleanup(stop)
	return stop
}

// freePortPair finds two adjacent free loopback ports: the swtpm TCTI
// always reaches the control channel at the server port plus one.
func freePortPair(t testing.TB) (string, string) {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l2, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+1))
		l.Close()
		if err == nil {
			l2.Close()
			return strconv.Itoa(p), strconv.Itoa(p + 1)
		}
	}
	t.Fatal("no two adjacent free ports on 127.0.0.1")
	return "", ""
}

func waitTCP(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not start listening: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func waitFile(t testing.TB, p string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(p); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear", p)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
