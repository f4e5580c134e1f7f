package api

import (
	"errors"
	"testing"
)

func TestCheckDuplicateKeys(t *testing.T) {
	for body, want := range map[string]string{
		`{"isAdmin":false,"isAdmin":true}`:                "isAdmin",
		`{"a":{"b":1,"c":{"d":2},"b":3}}`:                 "a.b",
		`{"tags":[{"x":1},{"y":[1,{"z":1,"z":2}]}]}`:      "tags[1].y[1].z",
		`{"a":{"b":1},"c":{"b":1},"d":[{"b":1},{"b":1}]}`: "",
		`{"a":"a","b":["a","a"],"c":{"a":"a"}}`:           "",
		`[1,2`:                                            "",
	} {
		err := checkDuplicateKeys([]byte(body))
		var e *Error
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: refused: %v", body, err)
		case want != "" && (!errors.As(err, &e) || e.Cause == nil || e.Cause.Field != want || e.Status != 400):
			t.Errorf("%s: got %v, want a 400 naming %s", body, err, want)
		}
	}
}
