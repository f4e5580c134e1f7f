package testctl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Kind is a controller implementation.
type Kind string

const (
	// Controllersrv is this repository's reference controller, in-process.
	Controllersrv Kind = "controllersrv"
	// Ziti is the real OpenZiti controller (the ziti binary), a child process.
	Ziti Kind = "ziti"
)

// EnvKinds names the variable that selects the kinds of a test run.
const EnvKinds = "ZITI_TEST_CONTROLLER"

// EnvZitiBin overrides where the ziti binary is looked for.
const EnvZitiBin = "ZITI_BIN"

// Kinds returns the kinds ZITI_TEST_CONTROLLER selects, in order, without
// duplicates: controllersrv when it is unset.
func Kinds() ([]Kind, error) {
	v := strings.TrimSpace(os.Getenv(EnvKinds))
	if v == "" {
		return []Kind{Controllersrv}, nil
	}
	if v == "all" {
		return []Kind{Controllersrv, Ziti}, nil
	}
	var out []Kind
	seen := map[Kind]bool{}
	for _, f := range strings.Split(v, ",") {
		k := Kind(strings.TrimSpace(f))
		switch k {
		case Controllersrv, Ziti:
		default:
			return nil, fmt.Errorf("%s=%q: unknown controller %q (want controllersrv, ziti, a comma-separated list of them, or all)", EnvKinds, v, k)
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out, nil
}

// Selected is the first kind ZITI_TEST_CONTROLLER selects: the controller
// a package that shares one controller runs against. It panics on an
// unknown value, which is a mistake in the test invocation.
func Selected() Kind {
	ks, err := Kinds()
	if err != nil {
		panic(err)
	}
	return ks[0]
}

// ErrNoZiti is returned (wrapped) when the ziti binary is not found.
var ErrNoZiti = errors.New("the real OpenZiti controller (ziti) is not built: run 'make tools' (or set " + EnvZitiBin + ")")

// ZitiBinary returns the path of the ziti binary: $ZITI_BIN, else bin/ziti
// in the repository holding the working directory.
func ZitiBinary() (string, error) {
	if p := os.Getenv(EnvZitiBin); p != "" {
		if isExecutable(p) {
			return p, nil
		}
		return "", fmt.Errorf("%s=%s is not an executable file: %w", EnvZitiBin, p, ErrNoZiti)
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "bin", "ziti")
	if !isExecutable(p) {
		return "", fmt.Errorf("%s is missing: %w", p, ErrNoZiti)
	}
	return p, nil
}

// RepoRoot is the nearest directory at or above the working directory that
// holds a go.mod: the repository root for every package of this module.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

// RequireZiti returns the ziti binary, or ends the test: a failure when
// CI=true (CI builds it with make tools), a loud skip elsewhere.
func RequireZiti(t testing.TB) string {
	t.Helper()
	p, err := ZitiBinary()
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%v (CI=true: the real controller is required)", err)
	}
	msg := fmt.Sprintf("!!! SKIPPING %s on the real controller: %v !!!", t.Name(), err)
	fmt.Fprintf(os.Stderr, "\n%s\n\n", msg)
	t.Skip(msg)
	return ""
}

// Require ends the test unless kind can run here (see RequireZiti).
func Require(t testing.TB, kind Kind) {
	t.Helper()
	if kind == Ziti {
		RequireZiti(t)
	}
}
