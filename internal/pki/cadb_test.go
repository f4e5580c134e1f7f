package pki

import (
	"crypto/x509/pkix"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMergeIndexKeepsForeignLines(t *testing.T) {
	ours1 := "V\t361206184000Z\t\tAB\td-server.cert\t/CN=d-server"
	ours2 := "V\t361206184000Z\t\t0C\td-client.cert\t/CN=d-client"
	foreign := "V\t271206184000Z\t\t7F31\tzp-server.cert\t/C=US/CN=zp-server"
	revoked := "R\t271206184000Z\t261206184000Z\t10\tzp-old.cert\t/CN=zp-old"
	existing := strings.Join([]string{ours1, foreign, revoked, ours2}, "\n") + "\n"

	// Same set again: byte for byte the same.
	if got := string(MergeIndex([]byte(existing), IndexSerials([]string{ours1, ours2}), []string{ours1, ours2})); got != existing {
		t.Fatalf("re-merge changed the index:\n%s", got)
	}
	// ours2 dropped, ours1 renewed in place, a new line appended.
	renewed := "V\t371206184000Z\t\tCD\td-server.cert\t/CN=d-server"
	added := "V\t361206184000Z\t\t0E\td-extra.cert\t/CN=d-extra"
	got := string(MergeIndex([]byte(existing), IndexSerials([]string{ours1, ours2}), []string{renewed, added}))
	want := strings.Join([]string{foreign, revoked, renewed, added}, "\n") + "\n"
	if got != want {
		t.Fatalf("merge:\n%q\nwant\n%q", got, want)
	}
	// A line for a serial already there replaces it where it is.
	upd := "V\t371206184000Z\t\t7f31\tzp-server.cert\t/CN=x"
	got = string(MergeIndex([]byte(existing), nil, []string{upd}))
	if lines := strings.Split(got, "\n"); lines[1] != upd || len(lines) != 5 {
		t.Fatalf("in-place replacement failed:\n%s", got)
	}
}

func TestNextSerialNeverLowers(t *testing.T) {
	idx := []byte("V\t361206184000Z\t\tFF\ta.cert\t/CN=a\nV\t361206184000Z\t\t0A\tb.cert\t/CN=b\n")
	for _, c := range []struct{ cur, want string }{
		{"01\n", "0100\n"}, {"", "0100\n"}, {"1234\n", "1234\n"}, {"junk", "0100\n"},
	} {
		if got := string(NextSerial([]byte(c.cur), idx)); got != c.want {
			t.Errorf("NextSerial(%q) = %q, want %q", c.cur, got, c.want)
		}
	}
}

func TestIndexLineIsWhatZitiPKIReads(t *testing.T) {
	key, err := GenerateKey(ECP256)
	if err != nil {
		t.Fatal(err)
	}
	is, err := Issue(Request{Kind: KindRootCA, Subject: pkix.Name{CommonName: "r", Organization: []string{"Org"}, Country: []string{"US"}},
		Validity: 24 * time.Hour, MaxPathLen: -1}, key.Public(), key, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := IndexLine("r", is.Cert)
	if indexSerial(l) != SerialHex(is.Cert.SerialNumber) || !strings.HasSuffix(l, "\tr.cert\t/C=US/O=Org/CN=r") {
		t.Fatalf("index line %q", l)
	}
	if SerialHex(big.NewInt(0xabc)) != "0ABC" {
		t.Fatal("serials are upper-case hex of even length")
	}
}

func TestCADBLifecycle(t *testing.T) {
	root := t.TempDir()
	ours := []string{"V\t361206184000Z\t\tAB\tx.cert\t/CN=x"}
	if err := SyncCADB(root, "ca", ours, nil); err != nil {
		t.Fatal(err)
	}
	if p := CheckCADB(root, "ca", ours); len(p) != 0 {
		t.Fatalf("fresh database reported %v", p)
	}
	// Someone else appends; ours is released; theirs stays with the files.
	foreign := "V\t361206184000Z\t\t01FF\ty.cert\t/CN=y"
	f, _ := os.OpenFile(filepath.Join(root, "ca", IndexFile), os.O_APPEND|os.O_WRONLY, 0)
	_, _ = f.WriteString(foreign + "\n")
	f.Close()
	if p := CheckCADB(root, "ca", ours); len(p) != 0 {
		t.Fatalf("a foreign line is drift: %v", p)
	}
	if removed, err := ReleaseCADB(root, "ca", IndexSerials(ours)); err != nil || removed {
		t.Fatalf("release with a foreign line: removed=%v err=%v", removed, err)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "ca", IndexFile)); string(b) != foreign+"\n" {
		t.Fatalf("index after release: %q", b)
	}
	if removed, err := ReleaseCADB(root, "ca", IndexSerials([]string{foreign})); err != nil || !removed {
		t.Fatalf("release of the last line: removed=%v err=%v", removed, err)
	}
	for _, p := range CADBPaths("ca") {
		if _, err := os.Stat(filepath.Join(root, p)); !os.IsNotExist(err) {
			t.Errorf("%s left behind", p)
		}
	}
}

func TestToPKCS8PEMKeepsTheKey(t *testing.T) {
	for _, alg := range []KeyAlgorithm{ECP256, RSA2048} {
		key, err := GenerateKey(alg)
		if err != nil {
			t.Fatal(err)
		}
		trad, err := EncodePrivateKeyPEM(key)
		if err != nil {
			t.Fatal(err)
		}
		p8, err := ToPKCS8PEM(trad)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(p8), "-----BEGIN PRIVATE KEY-----\n") {
			t.Fatalf("%s: not PKCS #8:\n%.40s", alg, p8)
		}
		back, err := ParsePrivateKeyPEM(p8)
		if err != nil || !SameKey(back, key.Public()) {
			t.Fatalf("%s: PKCS #8 form is another key (%v)", alg, err)
		}
		if again, _ := ToPKCS8PEM(p8); string(again) != string(p8) {
			t.Fatalf("%s: re-encoding PKCS #8 is not stable", alg)
		}
	}
}
