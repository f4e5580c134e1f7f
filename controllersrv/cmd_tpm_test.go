package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/pkcs11key"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/softhsmtest"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/tpmtest"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// logIn authenticates with the identity file's certificate and token key
// and closes the key again.
func logIn(t *testing.T, root, path, wantID string) {
	t.Helper()
	ident, err := enroll.ReadIdentity(path)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := ident.Load(pkcs11key.Resolve)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := enroll.Authenticate(context.Background(), enroll.TrustingClient(creds.Pool(), "127.0.0.1", creds.TLSCertificate()), root)
	if cerr := enroll.CloseKey(creds.Key); err != nil || cerr != nil || sess.IdentityID != wantID {
		t.Fatalf("log in with %s: %v %v", path, err, cerr)
	}
}

func requirePKCS11(t *testing.T) {
	t.Helper()
	if !pkcs11key.Available {
		msg := "\n\n*** built without cgo: PKCS#11 test SKIPPED ***\n"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// hwToken is a token under test: SoftHSM or the software TPM.
type hwToken struct {
	name   string
	ref    func(object string) string
	loaded func() []string // what the device still holds; nil when it cannot tell
	tool   func(args ...string) string
	offers []pki.KeyAlgorithm
	sdkRef string // the key reference in the OpenZiti SDKs' form, without id or label
}

func softHSMToken(t *testing.T) *hwToken {
	hsm := softhsmtest.New(t, "ziti-types")
	t.Setenv("ZITI_HW_PIN", hsm.UserPIN)
	return &hwToken{
		name: "SoftHSM",
		ref: func(obj string) string {
			return "pkcs11:token=" + hsm.Label + ";object=" + obj + "?module-path=" + hsm.Module + "&pin-source=env:ZITI_HW_PIN"
		},
		tool:   func(args ...string) string { return hsm.Tool(t, args...) },
		offers: pki.KeyAlgorithms,
	}
}

func tpmToken(t *testing.T, label string) *hwToken {
	tp := tpmtest.New(t, label)
	t.Setenv("ZITI_HW_PIN", tp.UserPIN)
	return &hwToken{
		name: "TPM",
		ref: func(obj string) string {
			return "pkcs11:token=" + tp.Label + ";object=" + obj + "?module-path=" + tp.Module + "&pin-source=env:ZITI_HW_PIN"
		},
		loaded: func() []string { return tp.Loaded(t) },
		sdkRef: "pkcs11://" + tp.Module + "?slot=" + strconv.Itoa(tp.Slot) + "&pin=" + tp.UserPIN,
		tool:   func(args ...string) string { return tp.Tool(t, args...) },
		// Measured with swtpm 0.7 and tpm2-pkcs11 1.9: RSA stops at 3072
		// bits, and P-521 is refused (tpm2-pkcs11 cannot sign with it).
		offers: []pki.KeyAlgorithm{pki.ECP256, pki.ECP384, pki.RSA2048, pki.RSA3072},
	}
}

// clean fails unless every token session and module of this process is
// closed and the device holds nothing loaded.
func (h *hwToken) clean(t *testing.T, after string) {
	t.Helper()
	if n, m := pkcs11key.OpenSessions(), pkcs11key.OpenModules(); n != 0 || m != 0 {
		t.Fatalf("after %s: %d token sessions and %d modules still open", after, n, m)
	}
	if h.loaded != nil {
		if l := h.loaded(); len(l) != 0 {
			t.Fatalf("after %s the TPM still holds %v", after, l)
		}
	}
}

// TestEnrollExtendTPMRepeatedly runs enroll and extend again and again
// against a TPM reached without a resource manager, which has room for
// three sessions: any session or object a run leaves loaded makes a later
// run fail, and the TPM is checked empty after every command.
func TestEnrollExtendTPMRepeatedly(t *testing.T) {
	requirePKCS11(t)
	testctl.Both(t, enrollExtendTPMRepeatedly)
}

func enrollExtendTPMRepeatedly(t *testing.T, kind testctl.Kind) {
	hw := tpmToken(t, "ziti-cli-tpm")
	c, newJWT := enrollTestController(t, kind)
	root := c.URL()
	dir := t.TempDir()
	var last, lastID string
	for i := range 4 {
		id, jwt := newJWT(fmt.Sprintf("tpm-device-%d", i))
		out := filepath.Join(dir, fmt.Sprintf("tpm-%d.json", i))
		ref := hw.ref(fmt.Sprintf("tpm-key-%d", i))
		if i == 1 {
			// The form ziti-edge-tunnel and the OpenZiti SDKs read; the
			// identity file keeps it, with the generated key's id in hex.
			ref = hw.sdkRef + "&label=tpm-key-1"
		}
		if stdout, err := runCLI("enroll", "--jwt", jwt, "--out", out, "--key", ref); err != nil {
			t.Fatalf("enroll #%d with a TPM key: %v\n%s", i, err, stdout)
		}
		hw.clean(t, fmt.Sprintf("enroll #%d", i))
		if ident, _ := enroll.ReadIdentity(out); i == 1 && !regexp.MustCompile(`^pkcs11://\S+\?slot=1&id=[0-9a-f]{16}&label=tpm-key-1&pin=\S+$`).MatchString(ident.ID.Key) {
			t.Fatalf("the SDK form is written as %q", ident.ID.Key)
		}
		for j := range 2 {
			stdout, err := runCLI("extend", "--identity", out, "--force")
			if err != nil || !strings.Contains(stdout, "with the same token key") {
				t.Fatalf("extend #%d.%d: %v\n%s", i, j, err, stdout)
			}
			hw.clean(t, fmt.Sprintf("extend #%d.%d", i, j))
		}
		last, lastID = out, id
	}
	ident, err := enroll.ReadIdentity(last)
	if err != nil || !strings.Contains(ident.ID.Key, "pin-source=env:ZITI_HW_PIN") || strings.Contains(ident.ID.Key, "tpm-user") {
		t.Fatalf("identity key %q: %v", ident.ID.Key, err)
	}
	logIn(t, root, last, lastID)
	hw.clean(t, "logging in")

	// Failures clean up too: a spent token, and a key type the TPM lacks.
	_, jwt := newJWT("tpm-refused")
	if _, err := runCLI("enroll", "--jwt", jwt, "--out", filepath.Join(dir, "x.json"), "--key", hw.ref("too-big"), "--key-alg", "rsa-4096"); err == nil ||
		!strings.Contains(err.Error(), `--key-alg: token "ziti-cli-tpm" (IBM SW TPM) cannot make RSA-4096 keys: its RSA key pair generation (CKM_RSA_PKCS_KEY_PAIR_GEN) is limited to 1024..3072 bits. It offers EC-P256, EC-P384, RSA-2048, RSA-3072`) {
		t.Fatalf("RSA-4096 on the TPM: %v", err)
	}
	hw.clean(t, "a refused key type")
	if _, err := runCLI("enroll", "--jwt", jwt, "--out", filepath.Join(dir, "y.json"), "--key", hw.ref("spent-key")); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI("enroll", "--jwt", jwt, "--out", filepath.Join(dir, "z.json"), "--key", hw.ref("doomed-key")); err == nil {
		t.Fatal("a spent enrollment token was accepted")
	}
	hw.clean(t, "a failed enrollment")

	objs := hw.tool("--list-objects", "--type", "privkey")
	if strings.Contains(objs, "doomed-key") || strings.Contains(objs, "too-big") {
		t.Fatalf("failed attempts left keys on the TPM:\n%s", objs)
	}
	if strings.Count(objs, "Private Key Object") != 5 || strings.Count(objs, "sensitive, always sensitive, never extractable") != 5 {
		t.Fatalf("want 5 sensitive, never-extractable keys on the TPM:\n%s", objs)
	}
}

// TestEnrollKeyTypesPerToken enrolls with every key type on SoftHSM and on
// the TPM (on both controllers), logs in and extends with each that the
// token offers, and checks that the others are refused before anything is
// made. It logs the time of each enrollment (key generation on the token
// included) and extension.
func TestEnrollKeyTypesPerToken(t *testing.T) {
	requirePKCS11(t)
	tokens := []struct {
		name string
		make func(*testing.T) *hwToken
	}{{"SoftHSM", softHSMToken}, {"TPM", func(t *testing.T) *hwToken { return tpmToken(t, "ziti-types") }}}
	for _, kind := range []testctl.Kind{testctl.Controllersrv, testctl.Ziti} {
		for _, tok := range tokens {
			if tok.name == "SoftHSM" && kind != testctl.Controllersrv {
				// What a token supports does not depend on the controller;
				// SoftHSM's slow RSA-4096 runs once.
				continue
			}
			t.Run(string(kind)+"/"+tok.name, func(t *testing.T) {
				testctl.Require(t, kind)
				enrollKeyTypes(t, kind, tok.make(t))
			})
		}
	}
}

func enrollKeyTypes(t *testing.T, kind testctl.Kind, hw *hwToken) {
	c, newJWT := enrollTestController(t, kind)
	root := c.URL()
	dir := t.TempDir()
	for _, alg := range pki.KeyAlgorithms {
		id, jwt := newJWT("types-" + hw.name + "-" + string(alg))
		out := filepath.Join(dir, string(alg)+".json")
		start := time.Now()
		_, err := runCLI("enroll", "--jwt", jwt, "--out", out, "--key", hw.ref("key-"+string(alg)), "--key-alg", string(alg))
		took := time.Since(start)
		hw.clean(t, "enroll "+string(alg))
		if !slices.Contains(hw.offers, alg) {
			if err == nil || !strings.Contains(err.Error(), "--key-alg: ") || !strings.Contains(err.Error(), "cannot make "+string(alg)+" keys") {
				t.Fatalf("%s %s: want a refusal, got %v", hw.name, alg, err)
			}
			t.Logf("%-13s %-7s %-8s refused in %v: %v", kind, hw.name, alg, took.Round(time.Millisecond), err)
			continue
		}
		if err != nil {
			t.Fatalf("%s %s: %v", hw.name, alg, err)
		}
		start = time.Now()
		if _, err := runCLI("extend", "--identity", out, "--force"); err != nil {
			t.Fatalf("%s %s extend: %v", hw.name, alg, err)
		}
		extendTook := time.Since(start)
		hw.clean(t, "extend "+string(alg))
		ident, _ := enroll.ReadIdentity(out)
		creds, err := ident.Load(pkcs11key.Resolve)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := pki.AlgorithmOf(creds.Key.Public())
		if err := enroll.CloseKey(creds.Key); err != nil || got != alg {
			t.Fatalf("%s: the token key is %s (%v)", alg, got, err)
		}
		logIn(t, root, out, id)
		hw.clean(t, "log in "+string(alg))
		t.Logf("%-13s %-7s %-8s enroll %v, extend %v", kind, hw.name, alg, took.Round(time.Millisecond), extendTook.Round(time.Millisecond))
	}
}
