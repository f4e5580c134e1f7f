package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// maxKeyCheckDepth stops the duplicate key walk where encoding/json
// refuses a body anyway (it allows 10000 levels).
const maxKeyCheckDepth = 10000

// jsonFrame is an object or array open in the walk; the path of a value
// is built from the frames only when an error names it.
type jsonFrame struct {
	parent *jsonFrame
	name   string          // this container's key or index in its parent
	keys   map[string]bool // nil for an array
	expect bool            // the next string token in this object is a key
	index  int             // the next element's index in this array
}

func (f *jsonFrame) path(last string) string {
	p := last
	for ; f != nil && f.parent != nil; f = f.parent {
		if p != "" && p[0] != '[' {
			p = "." + p
		}
		p = f.name + p
	}
	return p
}

// childName is the name of the next value in f: its key or [index].
func (f *jsonFrame) childName(key string) string {
	if f.keys != nil {
		return key
	}
	n := "[" + strconv.Itoa(f.index) + "]"
	f.index++
	return n
}

// checkDuplicateKeys refuses a JSON body in which an object names a key
// twice. encoding/json keeps the last one, so `"isAdmin":false,
// "isAdmin":true` would pass a reviewer reading the first and make an
// admin. Syntax errors are left to the decoder, which reports them.
func checkDuplicateKeys(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var top *jsonFrame
	depth := 0
	lastKey := ""
	for {
		tok, err := dec.Token()
		if err != nil || depth > maxKeyCheckDepth {
			return nil //nolint:nilerr // the decoder reports syntax and depth errors with its own message
		}
		if s, ok := tok.(string); ok && top != nil && top.keys != nil && top.expect {
			if top.keys[s] {
				field := top.path(s)
				return &Error{Status: http.StatusBadRequest, Code: CodeCouldNotParseBody,
					Message: "the request body names " + quote(field) + " twice: send each key once",
					Cause:   &FieldError{Field: field, Reason: "duplicate key"}}
			}
			top.keys[s] = true
			top.expect = false
			lastKey = s
			continue
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			f := &jsonFrame{parent: top}
			if top != nil {
				f.name = top.childName(lastKey)
			}
			if tok == json.Delim('{') {
				f.keys, f.expect = map[string]bool{}, true
			}
			top = f
			depth++
			continue
		case json.Delim('}'), json.Delim(']'):
			top = top.parent
			depth--
		default:
			if top != nil && top.keys == nil {
				top.index++
			}
		}
		if top != nil && top.keys != nil {
			top.expect = true
		}
	}
}
