package provider

import (
	"context"
	"crypto/x509/pkix"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// clearZitiEnv unsets the provider's environment fallbacks for one test.
func clearZitiEnv(t *testing.T) {
	for _, k := range []string{envAPIHost, envUsername, envPassword, envCAFile, envIdentityFile, envRequestTimeout, envMaxRetries, envRetryWaitMin, envRetryWaitMax} {
		t.Setenv(k, "")
	}
}

func nullModel() *providerModel {
	return &providerModel{
		Endpoint: types.StringNull(), Username: types.StringNull(), Password: types.StringNull(),
		IdentityFile: types.StringNull(), CertPEM: types.StringNull(), KeyPEM: types.StringNull(),
		CAPEM: types.StringNull(), CAFile: types.StringNull(), InsecureSkipVerify: types.BoolNull(),
	}
}

// testCA makes a CA and a client certificate with internal/pki.
func testCA(t *testing.T) (caPEM, certPEM, keyPEM []byte) {
	t.Helper()
	caKey, err := pki.GenerateKey(pki.ECP256)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "test root"}, Validity: time.Hour, MaxPathLen: -1}, caKey.Public(), caKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, _ := pki.GenerateKey(pki.ECP256)
	leaf, err := pki.Issue(pki.Request{Kind: pki.KindClient, Subject: pkix.Name{CommonName: "admin"}, Validity: time.Hour}, leafKey.Public(), nil, &pki.Issuer{Cert: ca.Cert, Key: caKey})
	if err != nil {
		t.Fatal(err)
	}
	kp, _ := pki.EncodePrivateKeyPEM(leafKey)
	return pki.EncodeCertsPEM(ca.Cert), pki.EncodeCertsPEM(leaf.Cert), kp
}

func TestConfigureNothingIsPKIOnly(t *testing.T) {
	clearZitiEnv(t)
	var diags diag.Diagnostics
	d := configureNetwork(context.Background(), "test", nullModel(), &diags)
	if diags.HasError() || d.client != nil || d.missing == "" {
		t.Fatalf("diags %v, data %+v", diags, d)
	}
	// A network resource then reports exactly one diagnostic.
	var rd diag.Diagnostics
	if _, ok := d.networkClient(&rd); ok || rd.ErrorsCount() != 1 || !strings.Contains(rd[0].Detail(), "endpoint") {
		t.Fatalf("want one error naming endpoint, got %v", rd)
	}
	// A second network resource in the same run adds nothing.
	var rd2 diag.Diagnostics
	if _, ok := d.networkClient(&rd2); ok || rd2.HasError() {
		t.Fatalf("the diagnostic must be reported once per run, got %v", rd2)
	}
}

func TestConfigureEnvFallbacks(t *testing.T) {
	clearZitiEnv(t)
	caPEM, _, _ := testCA(t)
	caFile := filepath.Join(t.TempDir(), "cas.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envAPIHost, "127.0.0.1:1280")
	t.Setenv(envUsername, "admin")
	t.Setenv(envPassword, "pw")
	t.Setenv(envCAFile, caFile)
	var diags diag.Diagnostics
	d := configureNetwork(context.Background(), "test", nullModel(), &diags)
	if diags.HasError() || d.client == nil {
		t.Fatalf("diags %v, data %+v", diags, d)
	}
	if got := d.client.RootURL(); got != "https://127.0.0.1:1280" {
		t.Fatalf("root %q", got)
	}
	if d.client.Logins() != 0 {
		t.Fatal("Configure must not log in")
	}
}

func TestConfigureUnknownSkipsEverything(t *testing.T) {
	clearZitiEnv(t)
	m := nullModel()
	m.CAPEM = types.StringUnknown()
	var diags diag.Diagnostics
	d := configureNetwork(context.Background(), "test", m, &diags)
	if diags.HasError() || !d.unknown || d.client != nil {
		t.Fatalf("diags %v, data %+v", diags, d)
	}
	var rd diag.Diagnostics
	if _, ok := d.networkClient(&rd); ok || rd.HasError() {
		t.Fatalf("unknown config: no client and no error, got %v", rd)
	}
}

func TestConfigureInsecureWarnsAndConflicts(t *testing.T) {
	clearZitiEnv(t)
	m := nullModel()
	m.Endpoint = types.StringValue("https://ctrl:1280/edge/management/v1")
	m.Username, m.Password = types.StringValue("admin"), types.StringValue("pw")
	m.InsecureSkipVerify = types.BoolValue(true)
	var diags diag.Diagnostics
	d := configureNetwork(context.Background(), "test", m, &diags)
	if diags.HasError() || diags.WarningsCount() != 1 || d.client == nil {
		t.Fatalf("want one warning and a client: %v", diags)
	}
	if !strings.Contains(diags[0].Summary(), "TLS verification") {
		t.Fatalf("warning: %v", diags[0])
	}

	m = nullModel()
	m.Endpoint = types.StringValue("ctrl:1280")
	m.Username = types.StringValue("admin")
	diags = nil
	configureNetwork(context.Background(), "test", m, &diags)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "password") {
		t.Fatalf("missing password: %v", diags)
	}

	m = nullModel()
	m.CAPEM, m.CAFile = types.StringValue("x"), types.StringValue("/nonexistent")
	diags = nil
	configureNetwork(context.Background(), "test", m, &diags)
	if !diags.HasError() {
		t.Fatal("ca_pem and ca_file together must fail")
	}

	m = nullModel()
	m.CAPEM = types.StringValue("not a pem")
	diags = nil
	configureNetwork(context.Background(), "test", m, &diags)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "ca_pem") {
		t.Fatalf("bad ca_pem: %v", diags)
	}
}

func TestConfigureIdentityFile(t *testing.T) {
	clearZitiEnv(t)
	caPEM, certPEM, keyPEM := testCA(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "id.key")
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	id := map[string]any{
		"ztAPI": "https://ctrl.example.com:1280/edge/client/v1",
		"id":    map[string]string{"cert": "pem:" + string(certPEM), "key": "file://" + keyFile, "ca": "pem:" + string(caPEM)},
	}
	b, _ := json.Marshal(id)
	f := filepath.Join(dir, "admin.json")
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envIdentityFile, f)
	var diags diag.Diagnostics
	d := configureNetwork(context.Background(), "test", nullModel(), &diags)
	if diags.HasError() || d.client == nil {
		t.Fatalf("diags %v", diags)
	}
	if got := d.client.RootURL(); got != "https://ctrl.example.com:1280" {
		t.Fatalf("endpoint from ztAPI: %q", got)
	}

	// Broken files name the problem without echoing key material.
	id["id"] = map[string]string{"cert": "pem:" + string(certPEM), "key": "pkcs11:token=x;object=k"}
	b, _ = json.Marshal(id)
	_ = os.WriteFile(f, b, 0o600)
	diags = nil
	configureNetwork(context.Background(), "test", nullModel(), &diags)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "hardware key") {
		t.Fatalf("pkcs11 key: %v", diags)
	}
	_, _, otherKey := testCA(t)
	id["id"] = map[string]string{"cert": "pem:" + string(certPEM), "key": "pem:" + string(otherKey)}
	b, _ = json.Marshal(id)
	_ = os.WriteFile(f, b, 0o600)
	diags = nil
	configureNetwork(context.Background(), "test", nullModel(), &diags)
	if !diags.HasError() || strings.Contains(diags[0].Detail(), "PRIVATE KEY") {
		t.Fatalf("mismatched key: %v", diags)
	}
}

func TestPEMCertsSemanticEquality(t *testing.T) {
	caPEM, certPEM, _ := testCA(t)
	a := newPEMCerts(string(caPEM))
	crlf := newPEMCerts("\n  " + strings.ReplaceAll(string(caPEM), "\n", "\r\n") + "\r\n\r\n")
	eq, _ := a.StringSemanticEquals(context.Background(), crlf)
	if !eq {
		t.Fatal("CRLF and whitespace must be no diff")
	}
	eq, _ = a.StringSemanticEquals(context.Background(), newPEMCerts(string(certPEM)))
	if eq {
		t.Fatal("different certificates must differ")
	}
	eq, _ = a.StringSemanticEquals(context.Background(), newPEMCerts(string(caPEM)+"garbage"))
	if eq {
		t.Fatal("trailing garbage must differ")
	}
}

func TestRenewDue(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	exp := types.StringValue("2030-01-01T02:00:00Z")
	if renewDue(exp, types.StringValue("1h"), now) {
		t.Fatal("2h left, renew_before 1h: not due")
	}
	if !renewDue(exp, types.StringValue("3h"), now) {
		t.Fatal("2h left, renew_before 3h: due")
	}
	if renewDue(exp, types.StringNull(), now) {
		t.Fatal("no renew_before: never due")
	}
}

func TestMintVerificationCert(t *testing.T) {
	caKey, _ := pki.GenerateKey(pki.ECP384)
	ca, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "3rd party"}, Validity: time.Hour, MaxPathLen: -1}, caKey.Public(), caKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := mintVerificationCert("tok-123", &pki.Issuer{Cert: ca.Cert, Key: caKey})
	if err != nil {
		t.Fatal(err)
	}
	c, err := pki.ParseCertPEM(out)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject.CommonName != "tok-123" || c.CheckSignatureFrom(ca.Cert) != nil || time.Until(c.NotAfter) > 11*time.Minute {
		t.Fatalf("verification cert: CN %q, expires %s", c.Subject.CommonName, c.NotAfter)
	}
}
