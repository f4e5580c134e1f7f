package enroll

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func TestExtend(t *testing.T) {
	m := newMiniController(t)
	ctx := context.Background()
	tok, _ := ParseToken(m.token(t, "ott", time.Now().Add(time.Hour)))
	res, err := Enroll(ctx, Request{Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "id.json")
	if err := WriteIdentity(path, res.Identity); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)

	// Not due: the certificate lives another hour, --before is one minute.
	r, err := Extend(ctx, ExtendRequest{Path: path, Before: time.Minute})
	if err != nil || r.Extended {
		t.Fatalf("not due: extended=%v err=%v", r != nil && r.Extended, err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, before) {
		t.Fatal("identity changed although nothing was due")
	}

	// extend-verify refused: the identity file must stay as it was.
	m.failVerify = true
	if _, err := Extend(ctx, ExtendRequest{Path: path, Force: true}); err == nil || !strings.Contains(err.Error(), "extend-verify") {
		t.Fatalf("failing verify: %v", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, before) {
		t.Fatal("identity changed although extend-verify failed")
	}
	if _, err := os.Stat(path + ".extending"); !os.IsNotExist(err) {
		t.Fatal("staged identity left behind")
	}
	m.failVerify = false

	// Due within a week: extended with a new key, file rewritten, 0600.
	r, err = Extend(ctx, ExtendRequest{Path: path, Before: 168 * time.Hour})
	if err != nil || !r.Extended || r.SameKey {
		t.Fatalf("extend: %+v %v", r, err)
	}
	if !r.NewNotAfter.After(r.OldNotAfter) {
		t.Fatalf("new expiry %v not after old %v", r.NewNotAfter, r.OldNotAfter)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	old, _ := res.Identity.Load(nil)
	id, _ := ReadIdentity(path)
	creds, err := id.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if pki.FingerprintSHA1(creds.Chain[0]) != r.Fingerprint || pki.SameKey(creds.Key, old.Chain[0].PublicKey) {
		t.Fatal("the identity does not hold the new certificate and key")
	}
	// The old certificate no longer authenticates, the new one does.
	if _, err := Authenticate(ctx, TrustingClient(old.Pool(), "127.0.0.1", old.TLSCertificate()), "https://"+m.addr); err == nil {
		t.Fatal("old certificate still authenticates after extend-verify")
	}
	if _, err := Authenticate(ctx, TrustingClient(creds.Pool(), "127.0.0.1", creds.TLSCertificate()), "https://"+m.addr); err != nil {
		t.Fatalf("new certificate: %v", err)
	}
}
