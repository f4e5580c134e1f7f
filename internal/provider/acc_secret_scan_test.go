package provider

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
)

// What the secret scan looks for: PEM private keys (any form), JWT-shaped
// strings (three base64url parts, the first a JSON object: "eyJ") and the
// passwords the run used.
var (
	scanPrivateKeyRE = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----`)
	scanJWTRE        = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)
)

// secretCounts is what the scan found in one artifact.
type secretCounts struct{ PrivateKeys, JWTs, Passwords int }

func (c secretCounts) String() string {
	return fmt.Sprintf("%d private keys, %d JWTs, %d passwords", c.PrivateKeys, c.JWTs, c.Passwords)
}

// scanSecrets counts the secrets in b.
func scanSecrets(b []byte, passwords []string) secretCounts {
	c := secretCounts{
		PrivateKeys: len(scanPrivateKeyRE.FindAll(b, -1)),
		JWTs:        len(scanJWTRE.FindAll(b, -1)),
	}
	for _, p := range passwords {
		c.Passwords += strings.Count(string(b), p)
	}
	return c
}

// planFileBytes is every entry of a saved plan (a zip: the plan, the prior
// state, the configuration), uncompressed and concatenated, so the scan
// sees what the file holds rather than its compressed form.
func planFileBytes(t *testing.T, file string) []byte {
	t.Helper()
	z, err := zip.OpenReader(file)
	if err != nil {
		t.Fatalf("saved plan %s: %v", file, err)
	}
	defer z.Close()
	var out []byte
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b...)
	}
	return out
}

// The artifacts each configuration is scanned in: the saved plan before
// the first apply and the one after it (which holds the prior state), each
// as the file and as its show -json, the state file and show -json.
var scanArtifacts = []string{
	"saved plan before apply", "show -json of that plan",
	"saved plan after apply", "show -json of that plan after apply",
	"state file", "show -json",
}

// applyAndScan applies the configuration in d's directory as a user with
// a saved plan would (plan -out, apply that plan), plans again into a
// second saved plan (which must be empty) and scans every artifact.
func applyAndScan(t *testing.T, d *tfDriver, passwords []string) map[string]secretCounts {
	t.Helper()
	out := map[string]secretCounts{}
	for i := range 2 {
		plan := filepath.Join(d.dir, fmt.Sprintf("plan-%d.tfplan", i))
		if i == 1 {
			if o, err := d.run("plan", "-detailed-exitcode", "-input=false", "-no-color", "-out="+plan); err != nil {
				t.Fatalf("the plan after apply is not empty (%v):\n%s", err, tail(o, 60))
			}
		} else {
			d.must("plan", "-input=false", "-no-color", "-out="+plan)
		}
		out[scanArtifacts[2*i]] = scanSecrets(planFileBytes(t, plan), passwords)
		out[scanArtifacts[2*i+1]] = scanSecrets([]byte(d.must("show", "-json", "-no-color", plan)), passwords)
		if i == 0 {
			d.must("apply", "-input=false", "-no-color", plan)
		}
	}
	st, err := os.ReadFile(filepath.Join(d.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	out[scanArtifacts[4]] = scanSecrets(st, passwords)
	out[scanArtifacts[5]] = scanSecrets([]byte(d.must("show", "-json", "-no-color")), passwords)
	return out
}

// copyExample copies the .tf files of examples/<dir> into dst.
func copyExample(t *testing.T, dir, dst string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", dir, "*.tf"))
	if len(files) == 0 {
		t.Fatalf("examples/%s has no .tf files", dir)
	}
	if err := os.MkdirAll(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// shownResource is one resource of `show -json`.
type shownResource struct {
	Address         string         `json:"address"`
	Values          map[string]any `json:"values"`
	SensitiveValues map[string]any `json:"sensitive_values"`
}

// shownResources parses the root module's resources out of the output of
// `show -json` (which may start with CLI warnings).
func shownResources(t *testing.T, showOut string) []shownResource {
	t.Helper()
	var st struct {
		Values struct {
			RootModule struct {
				Resources []shownResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(showOut[strings.Index(showOut, "{"):]), &st); err != nil {
		t.Fatalf("show -json: %v", err)
	}
	return st.Values.RootModule.Resources
}

// showValues is the values of the resources of `show -json`, by address.
func showValues(t *testing.T, d *tfDriver) map[string]map[string]any {
	t.Helper()
	m := map[string]map[string]any{}
	for _, r := range shownResources(t, d.must("show", "-json", "-no-color")) {
		m[r.Address] = r.Values
	}
	return m
}

// TestAccSecretFreeExample applies examples/secret-free with this run's CLI
// against this run's controller and finds no private key, JWT or password
// in the state file, the saved plans or show -json; the secrets did their
// work all the same: the device CA is verified, the certificates belong to
// the key files, and the JWT the sink file received enrolls the sensor.
// Then it scans the default walkthrough (examples/bootstrap, what make
// demo applies) the same way and requires the counts the secret-free state
// guide states.
func TestAccSecretFreeExample(t *testing.T) {
	s := accController(t)
	prefix := uniqueName(t, "sf")
	// The password goes through the example's ephemeral variable.
	d := newTFDriver(t, "", "TF_VAR_admin_password="+s.Password,
		"TF_VAR_controller_endpoint="+s.URL, "TF_VAR_controller_ca_file="+s.CAFile,
		"TF_VAR_admin_username="+s.Username, "TF_VAR_name_prefix="+prefix)
	copyExample(t, "secret-free", d.dir)
	counts := applyAndScan(t, d, []string{s.Password})
	for _, a := range scanArtifacts {
		if counts[a] != (secretCounts{}) {
			t.Errorf("secret-free example, %s: found %s, want none", a, counts[a])
		}
	}

	// The secrets were used.
	res := showValues(t, d)
	if res["ziti_ca.devices"]["is_verified"] != true {
		t.Error("ziti_ca.devices is not verified: the write-only key did not reach it")
	}
	for addr, file := range map[string]string{"ziti_pki_ca.devices": "devices-ca.key", "ziti_pki_client_cert.camera": "camera.key"} {
		key := filepath.Join(d.dir, "keys", file)
		if st, err := os.Stat(key); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("key file %s: %v %v, want mode 0600", key, st, err)
		}
		if got, want := res[addr]["public_key_fingerprint_sha256"], keyFileFingerprint(t, key); got != want {
			t.Errorf("%s.public_key_fingerprint_sha256 = %v, want %s (keys/%s)", addr, got, want, file)
		}
	}
	for _, e := range []string{"ziti_enrollment.sensor", "ziti_enrollment.camera"} {
		if res[e]["jwt"] != nil || res[e]["token"] != nil {
			t.Errorf("%s keeps its token in state despite store_jwt = false", e)
		}
	}
	if res["ziti_edge_router.edge"]["enrollment_jwt"] != nil {
		t.Error("ziti_edge_router.edge keeps its JWT in state despite store_enrollment_jwt = false")
	}
	routerJWT, _ := os.ReadFile(filepath.Join(d.dir, "out", "edge-router-01.jwt"))
	router, err := accClient(t).GetEdgeRouter(t.Context(), fmt.Sprint(res["ziti_edge_router.edge"]["id"]))
	if err != nil {
		t.Fatal(err)
	}
	if router.EnrollmentJWT == nil || string(routerJWT) != *router.EnrollmentJWT {
		t.Error("out/edge-router-01.jwt does not hold the edge router's enrollment JWT")
	}
	jwtFile := filepath.Join(d.dir, "out", "sensor-01.jwt")
	st, err := os.Stat(jwtFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the JWT file %s: %v %v, want mode 0600", jwtFile, st, err)
	}
	jwt, _ := os.ReadFile(jwtFile)
	enr, err := accClient(t).GetEnrollment(t.Context(), fmt.Sprint(res["ziti_enrollment.sensor"]["id"]))
	if err != nil {
		t.Fatal(err)
	}
	if string(jwt) != enr.JWT {
		t.Fatal("the JWT file does not hold the sensor enrollment's JWT")
	}
	if _, err := enroll.ParseToken(string(jwt)); err != nil {
		t.Fatalf("the JWT file: %v", err)
	}
	enrollJWT(t, string(jwt), "")
	// Used: the ephemeral JWT is null now, the file stays, and nothing is
	// planned but the refresh that records the token as consumed.
	d.must("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	if o, err := d.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the plan after the sensor enrolled is not empty (%v):\n%s", err, tail(o, 40))
	}
	if showValues(t, d)["ziti_enrollment.sensor"]["consumed"] != true {
		t.Error("ziti_enrollment.sensor is not consumed after enrolling with the JWT from the file")
	}
	d.must("destroy", "-auto-approve", "-input=false", "-no-color")

	// Today's default: the walkthrough's two stages.
	measured := scanBootstrap(t, s.URL, s.CAFile, s.Username, s.Password)
	documented := documentedScanCounts(t)
	for a, c := range counts {
		measured["examples/secret-free|"+a] = c
	}
	for _, ex := range []string{"examples/secret-free", "examples/bootstrap/stage1", "examples/bootstrap/stage2"} {
		for _, a := range scanArtifacts {
			key := ex + "|" + a
			t.Logf("%s, %s: %s", ex, a, measured[key])
			want, ok := documented[key]
			switch {
			case !ok:
				t.Errorf("the secret-free state guide has no row for %s, %s (measured: %s)", ex, a, measured[key])
			case want != measured[key]:
				t.Errorf("%s, %s: measured %s, the secret-free state guide says %s: update the table in templates/guides/secret-free-state.md.tmpl", ex, a, measured[key], want)
			}
		}
	}
}

// scanBootstrap applies examples/bootstrap stage 1 (offline) and stage 2
// (against the given controller) and scans each; the results are keyed
// "examples/bootstrap/<stage>|<artifact>". Stage 2 is destroyed afterwards.
func scanBootstrap(t *testing.T, url, caFile, user, password string) map[string]secretCounts {
	t.Helper()
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	d := newTFDriver(t, "")
	root := d.dir
	// Stage 1's module source is ../../../modules/pki.
	repoModules, _ := filepath.Abs(filepath.Join("..", "..", "modules"))
	if err := os.Symlink(repoModules, filepath.Join(root, "modules")); err != nil {
		t.Fatal(err)
	}
	out := map[string]secretCounts{}
	base := d.env
	for _, stage := range []string{"stage1", "stage2"} {
		d.dir = filepath.Join(root, "ex", "bootstrap", stage)
		copyExample(t, "bootstrap/"+stage, d.dir)
		d.env = append(append([]string{}, base...), "TF_VAR_pki_dir="+filepath.Join(root, "pki"), "TF_VAR_db_path="+filepath.Join(root, "ctrl.db"),
			"TF_VAR_controller_endpoint="+url, "TF_VAR_controller_ca_pem="+string(caPEM),
			"TF_VAR_admin_username="+user, "TF_VAR_admin_password="+password, "TF_VAR_name_prefix="+uniqueName(t, "demo"))
		if stage == "stage1" {
			d.must("get", "-no-color")
		}
		for a, c := range applyAndScan(t, d, []string{password}) {
			out["examples/bootstrap/"+stage+"|"+a] = c
		}
		if stage == "stage2" {
			d.must("destroy", "-auto-approve", "-input=false", "-no-color")
		}
	}
	return out
}

// documentedScanCounts reads the table of the secret-free state guide:
// rows "| `examples/...` | artifact | keys | JWTs | passwords |".
func documentedScanCounts(t *testing.T) map[string]secretCounts {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "guides", "secret-free-state.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `(examples/[a-z0-9/-]+)` \\| ([^|]+?) \\| ([0-9]+) \\| ([0-9]+) \\| ([0-9]+) \\|$")
	out := map[string]secretCounts{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		n := func(s string) int { v, _ := strconv.Atoi(s); return v }
		out[m[1]+"|"+m[2]] = secretCounts{n(m[3]), n(m[4]), n(m[5])}
	}
	if len(out) == 0 {
		t.Fatal("the secret-free state guide has no count table")
	}
	return out
}
