package pkimodule

import (
	"crypto/sha1" //nolint:gosec // OpenZiti fingerprints are SHA-1 of the DER.
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// TestModuleTreeSharedWithZitiPKI: the real `ziti pki` issues in the tree
// the module wrote (an Edge API server certificate for the module's own
// edge-client key, and a client certificate), the next plan is empty, and
// the real controller starts with Terraform's control-plane identity and
// signing CA and the Edge API certificate `ziti pki` issued: it serves TLS
// with it, signs enrollment tokens with it, and enrolls an identity.
func TestModuleTreeSharedWithZitiPKI(t *testing.T) {
	testctl.RequireZiti(t)
	a := applyModule(t)
	root := filepath.Dir(a.configPath)
	host, _, _ := strings.Cut(a.edgeAddr, ":")
	testctl.ZitiPKICreate(t, root, "server", "--ca-name", "my-edge-ica", "--server-file", "zp-edge-server", "--server-name", "zp-edge-server",
		"--ip", host, "--dns", "localhost", "--key-file", "edge-client")
	testctl.ZitiPKICreate(t, root, "client", "--ca-name", "my-edge-ica", "--client-file", "zp-client", "--client-name", "zp-client", "--curve", "P256")
	if code := a.planExit(t); code != 0 {
		t.Fatalf("plan after ziti pki issued in the tree: exit %d, want 0 (no changes)", code)
	}

	// The controller configuration with the Edge API certificate swapped
	// for the one `ziti pki` issued (same key: the module's edge-client key).
	cfg, err := os.ReadFile(a.configPath)
	if err != nil {
		t.Fatal(err)
	}
	tfChain := filepath.Join(root, "my-edge-ica", "certs", "edge-server.chain.pem")
	zpChain := filepath.Join(root, "my-edge-ica", "certs", "zp-edge-server.chain.pem")
	if !strings.Contains(string(cfg), tfChain) {
		t.Fatalf("the module's configuration does not name %s", tfChain)
	}
	mixed := filepath.Join(t.TempDir(), "ctrl-mixed.yaml")
	if err := os.WriteFile(mixed, []byte(strings.ReplaceAll(string(cfg), tfChain, zpChain)), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(zpChain)
	if err != nil {
		t.Fatal(err)
	}
	if a.edgeLeaf, _, err = pki.SplitChain(b); err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(a.edgeLeaf.Raw) //nolint:gosec // fingerprint
	a.edgeSHA1 = hex.EncodeToString(sum[:])

	c := startZitiFrom(t, mixed, a)
	defer c.close()
	checkController(t, a, true)
}
