// Package awsnlb holds the Go checks of modules/aws-nlb; the module itself
// is Terraform. The test runs with `go test ./...`.
package awsnlb

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var (
	declRE = regexp.MustCompile(`(?m)^(variable|output)\s+"([^"]+)"`)
	rowRE  = regexp.MustCompile("(?m)^\\|\\s*`([^`]+)`\\s*\\|")
)

// declared returns the variables and outputs the module's .tf files declare.
func declared(t *testing.T) (vars, outs map[string]bool) {
	t.Helper()
	files, err := filepath.Glob("*.tf")
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files found (%v)", err)
	}
	vars, outs = map[string]bool{}, map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range declRE.FindAllStringSubmatch(string(b), -1) {
			if m[1] == "variable" {
				vars[m[2]] = true
			} else {
				outs[m[2]] = true
			}
		}
	}
	return vars, outs
}

// documented returns the names in the first column of the table under the
// README heading "## <section>".
func documented(t *testing.T, readme, section string) map[string]bool {
	t.Helper()
	start := strings.Index(readme, "\n## "+section+"\n")
	if start < 0 {
		t.Fatalf("README.md has no %q section", "## "+section)
	}
	body := readme[start+len(section)+5:]
	if end := strings.Index(body, "\n## "); end >= 0 {
		body = body[:end]
	}
	names := map[string]bool{}
	for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
		names[m[1]] = true
	}
	return names
}

// diff returns the sorted names in a but not in b.
func diff(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func TestReadmeDocumentsEveryInputAndOutput(t *testing.T) {
	vars, outs := declared(t)
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, c := range []struct {
		section string
		decl    map[string]bool
	}{{"Inputs", vars}, {"Outputs", outs}} {
		doc := documented(t, readme, c.section)
		if missing := diff(c.decl, doc); len(missing) > 0 {
			t.Errorf("README.md %s table lacks: %s", c.section, strings.Join(missing, ", "))
		}
		if stale := diff(doc, c.decl); len(stale) > 0 {
			t.Errorf("README.md %s table documents names the module does not declare: %s", c.section, strings.Join(stale, ", "))
		}
	}
	if len(vars) < 10 || len(outs) < 5 {
		t.Fatalf("parsed only %d variables and %d outputs: the parser is broken", len(vars), len(outs))
	}
}
