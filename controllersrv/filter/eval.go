package filter

import "strings"

type constExpr bool

func (c constExpr) Eval(Fields) bool    { return bool(c) }
func (c constExpr) fields(func(string)) {}

type andExpr struct{ l, r Expr }

func (e andExpr) Eval(f Fields) bool    { return e.l.Eval(f) && e.r.Eval(f) }
func (e andExpr) fields(a func(string)) { e.l.fields(a); e.r.fields(a) }

type orExpr struct{ l, r Expr }

func (e orExpr) Eval(f Fields) bool    { return e.l.Eval(f) || e.r.Eval(f) }
func (e orExpr) fields(a func(string)) { e.l.fields(a); e.r.fields(a) }

type notExpr struct{ e Expr }

func (e notExpr) Eval(f Fields) bool    { return !e.e.Eval(f) }
func (e notExpr) fields(a func(string)) { e.e.fields(a) }

type cmpExpr struct {
	field string
	op    string
	val   any
	anyOf bool
}

func (e cmpExpr) fields(a func(string)) { a(e.field) }

func (e cmpExpr) Eval(f Fields) bool {
	v, ok := f(e.field)
	if !ok {
		return false
	}
	if list, isList := v.([]string); isList {
		// A list field matches when any element matches (anyOf semantics),
		// except != and "not ..." which must hold for every element.
		neg := e.op == "!=" || strings.HasPrefix(e.op, "not ")
		if len(list) == 0 {
			return compare(nil, e.op, e.val)
		}
		for _, s := range list {
			m := compare(s, e.op, e.val)
			if neg && !m {
				return false
			}
			if !neg && m {
				return true
			}
		}
		return neg
	}
	return compare(v, e.op, e.val)
}

type inExpr struct {
	field string
	vals  []any
	neg   bool
	anyOf bool
}

func (e inExpr) fields(a func(string)) { a(e.field) }

func (e inExpr) Eval(f Fields) bool {
	v, ok := f(e.field)
	if !ok {
		return false
	}
	in := func(x any) bool {
		for _, w := range e.vals {
			if compare(x, "=", w) {
				return true
			}
		}
		return false
	}
	if list, isList := v.([]string); isList {
		hit := false
		for _, s := range list {
			if in(s) {
				hit = true
				break
			}
		}
		return hit != e.neg
	}
	return in(v) != e.neg
}

func compare(v any, op string, want any) bool {
	switch op {
	case "=":
		return equal(v, want)
	case "!=":
		return !equal(v, want)
	case "contains", "not contains", "icontains", "not icontains", "startswith", "endswith":
		s, ok1 := v.(string)
		w, ok2 := want.(string)
		if !ok1 || !ok2 {
			return strings.HasPrefix(op, "not ")
		}
		switch op {
		case "contains":
			return strings.Contains(s, w)
		case "not contains":
			return !strings.Contains(s, w)
		case "icontains":
			return strings.Contains(strings.ToLower(s), strings.ToLower(w))
		case "not icontains":
			return !strings.Contains(strings.ToLower(s), strings.ToLower(w))
		case "startswith":
			return strings.HasPrefix(s, w)
		default:
			return strings.HasSuffix(s, w)
		}
	case "<", "<=", ">", ">=":
		a, ok1 := number(v)
		b, ok2 := number(want)
		if !ok1 || !ok2 {
			sa, ok3 := v.(string)
			sb, ok4 := want.(string)
			if !ok3 || !ok4 {
				return false
			}
			c := strings.Compare(sa, sb)
			return order(float64(c), 0, op)
		}
		return order(a, b, op)
	}
	return false
}

func order(a, b float64, op string) bool {
	switch op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	}
	return a >= b
}

func equal(v, want any) bool {
	if v == nil || want == nil {
		return v == nil && want == nil
	}
	if a, ok := number(v); ok {
		b, ok := number(want)
		return ok && a == b
	}
	return v == want
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// Pinned reports whether e can only match entities whose field (one that
// holds a single string, such as a name) equals one of a known set of
// strings, and returns that set: a list handler can then
// fetch just those entities through a unique index and evaluate e on them,
// instead of scanning every entity. It holds for `field = "x"`,
// `field in ["x", "y"]`, an `and` with such a term on either side (both
// sides pinned: their intersection), and an `or` both of whose sides are
// pinned (their union). Anything else — !=, not, contains, null, a number,
// an `or` with an unpinned side — is not pinned. The values are distinct,
// in first-seen order; an empty set with ok=true means nothing matches.
func Pinned(e Expr, field string) (values []string, ok bool) {
	switch x := e.(type) {
	case cmpExpr:
		if s, isStr := x.val.(string); isStr && x.field == field && x.op == "=" {
			return []string{s}, true
		}
	case inExpr:
		if x.field != field || x.neg {
			return nil, false
		}
		vals := make([]string, 0, len(x.vals))
		for _, v := range x.vals {
			s, isStr := v.(string)
			if !isStr {
				return nil, false
			}
			vals = append(vals, s)
		}
		return distinct(vals), true
	case andExpr:
		l, lok := Pinned(x.l, field)
		r, rok := Pinned(x.r, field)
		switch {
		case lok && rok:
			in := map[string]bool{}
			for _, s := range r {
				in[s] = true
			}
			both := []string{}
			for _, s := range l {
				if in[s] {
					both = append(both, s)
				}
			}
			return both, true
		case lok:
			return l, true
		case rok:
			return r, true
		}
	case orExpr:
		l, lok := Pinned(x.l, field)
		r, rok := Pinned(x.r, field)
		if lok && rok {
			return distinct(append(l, r...)), true
		}
	}
	return nil, false
}

// distinct drops repeated strings, keeping the first of each.
func distinct(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
