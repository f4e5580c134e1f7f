package server

import (
	"crypto/tls"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenSSLThirdPartyCA does what an operator does with OpenSSL instead
// of this project's PKI code: makes a CA, registers it, mints the
// verification certificate (CN = verificationToken) with `openssl x509
// -req`, and authenticates with an OpenSSL-issued client certificate.
func TestOpenSSLThirdPartyCA(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("SKIPPING: openssl is not installed; the OpenSSL cross-check of CA verification did not run")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(openssl, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
		"-days", "2", "-subj", "/O=Example/CN=OpenSSL Root", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")

	s := testServer(t)
	c := newClient(t, s).admin()
	caPEM := read("ca.pem")
	id := c.createCA(caBody("openssl", caPEM, map[string]any{"isAutoCaEnrollmentEnabled": true}))
	d := c.mustStatus(c.do("GET", mgmt+"/cas/"+id, nil), 200).data(t)
	if d["certPem"] != caPEM {
		t.Fatal("certPem of an OpenSSL PEM not returned byte-for-byte")
	}
	// The fingerprint matches `openssl x509 -fingerprint -sha1`.
	out, err := exec.Command(openssl, "x509", "-in", filepath.Join(dir, "ca.pem"), "-noout", "-fingerprint", "-sha1").Output()
	if err != nil {
		t.Fatal(err)
	}
	_, fp, _ := strings.Cut(strings.TrimSpace(string(out)), "=")
	if want := strings.ToLower(strings.ReplaceAll(fp, ":", "")); d["fingerprint"] != want {
		t.Fatalf("fingerprint %v, openssl says %s", d["fingerprint"], want)
	}

	tok := d["verificationToken"].(string)
	run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "verify.key", "-out", "verify.csr", "-subj", "/CN="+tok)
	run("x509", "-req", "-in", "verify.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "verify.pem", "-days", "1")
	c.mustStatus(c.do("POST", mgmt+"/cas/"+id+"/verify", read("verify.pem"), "Content-Type", "text/plain"), 200)

	write("client.ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n")
	run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=laptop")
	run("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.pem", "-days", "1", "-extfile", "client.ext")
	tc, err := tls.LoadX509KeyPair(filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key"))
	if err != nil {
		t.Fatal(err)
	}
	idn := identityOf(t, s, tc)
	det := c.mustStatus(c.do("GET", mgmt+"/identities/"+idn, nil), 200).data(t)
	if det["name"] != "openssl-laptop" {
		t.Fatalf("auto-enrolled identity name %v, want openssl-laptop", det["name"])
	}
}
