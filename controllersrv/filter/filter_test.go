package filter

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

type ent map[string]any

func (e ent) fields(name string) (any, bool) { v, ok := e[name]; return v, ok }

var ents = []ent{
	{"id": "a1", "name": "laptop", "externalId": "ext-1", "isAdmin": false, "cost": int64(3), "roleAttributes": []string{"dev", "eu"}},
	{"id": "b2", "name": "Server one", "externalId": nil, "isAdmin": true, "cost": int64(10), "roleAttributes": []string{}},
	{"id": "c3", "name": `quo"te`, "externalId": "ext-3", "isAdmin": false, "cost": int64(0), "roleAttributes": []string{"ops"}},
}

func match(t *testing.T, f string) string {
	t.Helper()
	e, err := Parse(f)
	if err != nil {
		t.Fatalf("Parse(%q): %v", f, err)
	}
	var ids []string
	for _, x := range ents {
		if e.Eval(x.fields) {
			ids = append(ids, x["id"].(string))
		}
	}
	return strings.Join(ids, ",")
}

func TestFilterMatches(t *testing.T) {
	for f, want := range map[string]string{
		``:                                    "a1,b2,c3",
		`true`:                                "a1,b2,c3",
		`name = "laptop"`:                     "a1",
		`name="laptop"`:                       "a1",
		`name = 'laptop'`:                     "a1",
		`name != "laptop"`:                    "b2,c3",
		`name contains "o"`:                   "a1,b2,c3",
		`name contains "erv"`:                 "b2",
		`name icontains "SERVER"`:             "b2",
		`name not contains "o"`:               "",
		`name startsWith "lap"`:               "a1",
		`name endsWith "one"`:                 "b2",
		`id in ["a1","c3"]`:                   "a1,c3",
		`id IN [ "a1" , "zz" ]`:               "a1",
		`id not in ["a1"]`:                    "b2,c3",
		`id in []`:                            "",
		`externalId = "ext-3"`:                "c3",
		`externalId = null`:                   "b2",
		`externalId is null`:                  "b2",
		`externalId is not null`:              "a1,c3",
		`isAdmin = true`:                      "b2",
		`isAdmin = false and cost > 1`:        "a1",
		`cost >= 3 or id = "c3"`:              "a1,b2,c3",
		`cost < 3`:                            "c3",
		`not (isAdmin = true)`:                "a1,c3",
		`(id = "a1" or id = "b2") and cost<5`: "a1",
		`name = "quo\"te"`:                    "c3",
		`anyOf(roleAttributes) = "eu"`:        "a1",
		`roleAttributes = "ops"`:              "c3",
		`roleAttributes in ["dev","ops"]`:     "a1,c3",
		`name = "laptop" sort by name skip 0 limit 10`: "a1",
		`id = "a1" AND name = "laptop"`:                "a1",
		`unknownField = "x"`:                           "",
	} {
		if got := match(t, f); got != want {
			t.Errorf("%s: got %q, want %q", f, got, want)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	for _, f := range []string{
		`name ==`, `name = `, `name = "x`, `= "x"`, `name ~ "x"`, `name = "x" and`, `(name = "x"`,
		`id in ["a"`, `id in "a"`, `name contains 5`, `name = "x" name = "y"`, `!name`, `name is "x"`,
		strings.Repeat("(", 100) + `id = "a"` + strings.Repeat(")", 100), strings.Repeat("a", MaxLength+1),
	} {
		if _, err := Parse(f); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", f)
		}
	}
}

func TestFieldNames(t *testing.T) {
	e, err := Parse(`name = "x" or (id in ["a"] and name != "y")`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(FieldNames(e), ","); got != "name,id" {
		t.Fatalf("FieldNames = %s", got)
	}
}

// FuzzParse: arbitrary input never panics or hangs, and whatever parses can
// be evaluated.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`name = "x"`, `id in ["a","b"]`, `a and (b or not c)`, `x contains "\"" sort by name`, `anyOf(r) = 1.5`, `((((`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			return
		}
		for _, x := range ents {
			e.Eval(x.fields)
		}
		FieldNames(e)
	})
}

func TestPinned(t *testing.T) {
	for f, want := range map[string]string{ // "-": not pinned
		`name = "x"`:                              `["x"]`,
		`name="x"`:                                `["x"]`,
		`anyOf(name) = "x"`:                       `["x"]`,
		`name = "x" and isAdmin = true`:           `["x"]`,
		`isAdmin = true and name = "x"`:           `["x"]`,
		`cost > 1 and (name = "x" and id = "y")`:  `["x"]`,
		`(name = "x") and id != "y"`:              `["x"]`,
		`name in ["a", "b", "a"]`:                 `["a" "b"]`,
		`name in []`:                              `[]`,
		`name = "a" and name = "b"`:               `[]`,
		`name in ["a","b"] and name in ["b","c"]`: `["b"]`,
		`name = "a" or name = "b"`:                `["a" "b"]`,
		`name = "a" or name in ["b", "a"]`:        `["a" "b"]`,
		`name = "x" sort by name limit 3`:         `["x"]`,
		`name = ""`:                               `[""]`,
		``:                                        "-",
		`true`:                                    "-",
		`false`:                                   "-",
		`id = "x"`:                                "-",
		`Name = "x"`:                              "-",
		`name != "x"`:                             "-",
		`not name = "x"`:                          "-",
		`not (name = "x" and isAdmin = true)`:     "-",
		`name = "x" or isAdmin = true`:            "-",
		`isAdmin = true or name = "x"`:            "-",
		`(name = "x" or id = "y") and cost > 1`:   "-",
		`name not in ["x"]`:                       "-",
		`name in ["x", 1]`:                        "-",
		`name = 1`:                                "-",
		`name = null`:                             "-",
		`name is null`:                            "-",
		`name contains "x"`:                       "-",
		`name startsWith "x"`:                     "-",
		`name >= "x"`:                             "-",
	} {
		e, err := Parse(f)
		if err != nil {
			t.Fatalf("Parse(%q): %v", f, err)
		}
		vals, ok := Pinned(e, "name")
		got := "-"
		if ok {
			got = fmt.Sprintf("%q", vals)
		}
		if got != want {
			t.Errorf("Pinned(%s) = %q (ok %v), want %q", f, got, ok, want)
		}
	}
}

// TestPinnedSound checks Pinned's promise on the test entities: whatever a
// pinned filter matches has a name in the pinned set.
func TestPinnedSound(t *testing.T) {
	for _, f := range []string{
		`name = "laptop"`, `name in ["laptop", "Server one"] and cost > 1`, `name = "laptop" or name = "quo\"te"`,
		`name in ["laptop"] and name in ["Server one"]`, `isAdmin = false and name in ["laptop", "nope"]`,
	} {
		e, err := Parse(f)
		if err != nil {
			t.Fatal(err)
		}
		vals, ok := Pinned(e, "name")
		if !ok {
			t.Fatalf("%s: not pinned", f)
		}
		for _, x := range ents {
			if e.Eval(x.fields) && !slices.Contains(vals, x["name"].(string)) {
				t.Errorf("%s matches %v, whose name is not in %q", f, x["id"], vals)
			}
		}
	}
}
