// Package archtest checks the dependency rules that DESIGN.md states, on the
// import graph `go list` reports for the module's non-test code.
package archtest

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/zitiform/terraform-provider-ziti"

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// load lists every package of the module with its direct imports and all
// its (non-test) dependencies.
func load(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")] = p
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// ours returns the module packages among paths, relative to the module.
func ours(paths []string) []string {
	var out []string
	for _, p := range paths {
		if p == module || strings.HasPrefix(p, module+"/") {
			out = append(out, strings.TrimPrefix(strings.TrimPrefix(p, module), "/"))
		}
	}
	return out
}

func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

func TestDependencyRules(t *testing.T) {
	pkgs := load(t)
	need := func(name string) pkg {
		p, ok := pkgs[name]
		if !ok {
			t.Fatalf("package %q is gone: update this test and DESIGN.md", name)
		}
		return p
	}

	// Leaf packages: they import nothing of ours but the Edge API's wire
	// contract, internal/edgewire, which imports nothing of ours itself.
	for _, leaf := range []string{"internal/pki", "internal/edgewire", "internal/edgeapi", "controllersrv/store"} {
		var got []string
		for _, imp := range ours(need(leaf).Imports) {
			if imp != "internal/edgewire" || leaf == "internal/edgewire" {
				got = append(got, imp)
			}
		}
		if len(got) > 0 {
			t.Errorf("%s imports %v: it must import nothing of this module but internal/edgewire", leaf, got)
		}
	}

	for name, p := range pkgs {
		for _, imp := range ours(p.Imports) {
			switch {
			// The provider talks to controllers over HTTP only.
			case under(name, "internal/provider") && under(imp, "controllersrv"):
				t.Errorf("%s imports %s: the provider must not depend on controllersrv (tests use internal/testctl)", name, imp)
			// Inside controllersrv the layers point down: server -> api -> domain -> store.
			case name == "controllersrv/domain" && (imp == "controllersrv/api" || imp == "controllersrv/server"):
				t.Errorf("%s imports %s: the domain layer must not know the HTTP layer", name, imp)
			case name == "controllersrv/api" && imp == "controllersrv/server":
				t.Errorf("%s imports %s: handlers must not depend on the server wiring", name, imp)
			// Only test harnesses and benchmark helpers under internal/ start a controllersrv.
			case under(name, "internal") && under(imp, "controllersrv") &&
				!under(name, "internal/testctl") && !under(name, "internal/benchrun"):
				t.Errorf("%s imports %s: only internal/testctl and internal/benchrun may", name, imp)
			}
		}
		// Only the store knows bbolt.
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, "go.etcd.io/bbolt") && name != "controllersrv/store" {
				t.Errorf("%s imports %s: only controllersrv/store may use bbolt", name, imp)
			}
		}
	}

	// The provider binary is CGO-free and carries no controller: no PKCS#11
	// code (cgo) and nothing of controllersrv among its dependencies.
	for _, dep := range ours(need("").Deps) {
		if dep == "internal/enroll/pkcs11key" || under(dep, "controllersrv") {
			t.Errorf("the provider binary depends on %s", dep)
		}
	}
}
