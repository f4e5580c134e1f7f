package awsnlb

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// introduced lists, for the arguments the module sets that hashicorp/aws
// added during 5.x, the release that added them (from the provider's
// changelog). The version floor in versions.tf must admit none older.
var introduced = []struct {
	resource, argument, version string
}{
	{"aws_lb_listener", "tcp_idle_timeout_seconds", "5.73.0"},
}

// awsConstraint returns the hashicorp/aws version constraint of versions.tf.
func awsConstraint(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("versions.tf")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)aws\s*=\s*\{[^}]*source\s*=\s*"hashicorp/aws".*?version\s*=\s*"([^"]+)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal(`versions.tf: no version for source = "hashicorp/aws"`)
	}
	return string(m[1])
}

// semver parses "5.73" or "5.75.1" into comparable parts.
func semver(t *testing.T, s string) [3]int {
	t.Helper()
	var v [3]int
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		t.Fatalf("version %q: want MAJOR.MINOR[.PATCH]", s)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			t.Fatalf("version %q: %v", s, err)
		}
		v[i] = n
	}
	return v
}

func less(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// bounds returns the ">=" floor and "<" ceiling of a constraint.
func bounds(t *testing.T, c string) (floor, ceiling [3]int) {
	t.Helper()
	m := regexp.MustCompile(`^>=\s*([0-9.]+),\s*<\s*([0-9.]+)$`).FindStringSubmatch(c)
	if m == nil {
		t.Fatalf("hashicorp/aws constraint %q: want \">= X.Y, < Z.0\"", c)
	}
	return semver(t, m[1]), semver(t, m[2])
}

// TestVersionFloorAdmitsOnlyProvidersWithEveryArgument fails when the module
// sets an argument that the oldest admitted hashicorp/aws lacks, when the
// README states another range, or when the version the module tests run
// against (the double's) is outside the range.
func TestVersionFloorAdmitsOnlyProvidersWithEveryArgument(t *testing.T) {
	c := awsConstraint(t)
	floor, ceiling := bounds(t, c)
	files, _ := filepath.Glob("*.tf")
	var src strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	used := 0
	for _, a := range introduced {
		block := regexp.MustCompile(`(?s)resource\s+"`+a.resource+`"\s+"[^"]+"\s*\{.*?\n\}`).FindAllString(src.String(), -1)
		if !regexp.MustCompile(`\b` + a.argument + `\s*=`).MatchString(strings.Join(block, "\n")) {
			continue
		}
		used++
		if less(floor, semver(t, a.version)) {
			t.Errorf("the module sets %s.%s, added in hashicorp/aws %s, but versions.tf admits %s", a.resource, a.argument, a.version, c)
		}
	}
	if used == 0 {
		t.Error("the module sets none of the listed arguments: the list or its parser is stale")
	}

	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "`"+c+"`") {
		t.Errorf("README.md does not state the supported hashicorp/aws range `%s`", c)
	}

	main, err := os.ReadFile("../../internal/testproviders/aws/main.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`const version = "([0-9.]+)-`).FindSubmatch(main)
	if m == nil {
		t.Fatal("internal/testproviders/aws/main.go: no version constant")
	}
	if tested := semver(t, string(m[1])); less(tested, floor) || !less(tested, ceiling) {
		t.Errorf("the module tests run against hashicorp/aws %s, outside %s", m[1], c)
	}
}
