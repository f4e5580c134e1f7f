// Package filter parses and evaluates the subset of the OpenZiti (ZitiQL)
// filter language that clients send to list endpoints:
//
//	name = "x"            id != "x"             name contains "x"
//	name icontains "x"    name startsWith "x"   name endsWith "x"
//	id in ["a", "b"]      id not in ["a"]       isAdmin = true
//	externalId = null     cost > 3              a and (b or not c)
//	true                  anyOf(roleAttributes) = "x"
//
// Strings take double or single quotes with backslash escapes. Keywords are
// case-insensitive. A trailing `sort by ...`, `skip n` or `limit n` clause is
// accepted and ignored (the list endpoint's own parameters govern paging).
package filter

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// MaxLength bounds a filter's length; longer filters are refused.
const MaxLength = 4096

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 64

// Fields returns the value of a field of the entity being tested: string,
// bool, int64, float64, []string or nil; ok=false if the field is unknown.
type Fields func(name string) (value any, ok bool)

// Expr is a parsed filter.
type Expr interface {
	// Eval reports whether the entity matches.
	Eval(f Fields) bool
	// FieldsUsed lists the field names the filter mentions.
	fields(add func(string))
}

// Error is a parse error with the byte offset where it was found.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("invalid filter at position %d: %s", e.Pos, e.Msg) }

// MatchesAll reports whether e is the empty filter, which every record
// matches; list handlers then page without evaluating it.
func MatchesAll(e Expr) bool {
	c, ok := e.(constExpr)
	return ok && bool(c)
}

// Parse parses a filter expression. The empty string matches everything.
func Parse(s string) (Expr, error) {
	if len(s) > MaxLength {
		return nil, &Error{Pos: MaxLength, Msg: fmt.Sprintf("filter longer than %d bytes", MaxLength)}
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if p.peek().kind == tEOF {
		return constExpr(true), nil
	}
	e, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if err := p.trailer(); err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("unexpected %q: expected and, or, or the end of the filter", t.text)}
	}
	return e, nil
}

// FieldNames lists the distinct fields a filter uses.
func FieldNames(e Expr) []string {
	seen := map[string]bool{}
	var out []string
	e.fields(func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	})
	return out
}

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tOp
	tLParen
	tRParen
	tLBrack
	tRBrack
	tComma
)

type token struct {
	kind tokKind
	text string // identifiers/operators as written; strings unescaped
	pos  int
}

func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{tLParen, "(", i})
			i++
		case c == ')':
			toks = append(toks, token{tRParen, ")", i})
			i++
		case c == '[':
			toks = append(toks, token{tLBrack, "[", i})
			i++
		case c == ']':
			toks = append(toks, token{tRBrack, "]", i})
			i++
		case c == ',':
			toks = append(toks, token{tComma, ",", i})
			i++
		case c == '=':
			toks = append(toks, token{tOp, "=", i})
			i++
		case c == '!' || c == '<' || c == '>':
			if i+1 < len(s) && s[i+1] == '=' {
				toks = append(toks, token{tOp, s[i : i+2], i})
				i += 2
			} else if c == '!' {
				return nil, &Error{Pos: i, Msg: "unexpected '!': use != or not"}
			} else {
				toks = append(toks, token{tOp, s[i : i+1], i})
				i++
			}
		case c == '"' || c == '\'':
			start := i
			var b strings.Builder
			i++
			closed := false
			for i < len(s) {
				if s[i] == '\\' && i+1 < len(s) {
					b.WriteByte(s[i+1])
					i += 2
					continue
				}
				if s[i] == c {
					closed = true
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, &Error{Pos: start, Msg: "unterminated string"}
			}
			toks = append(toks, token{tString, b.String(), start})
		case c == '-' || (c >= '0' && c <= '9'):
			start := i
			i++
			for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
				i++
			}
			toks = append(toks, token{tNumber, s[start:i], start})
		case isIdentStart(rune(c)):
			start := i
			for i < len(s) && isIdentPart(rune(s[i])) {
				i++
			}
			toks = append(toks, token{tIdent, s[start:i], start})
		default:
			return nil, &Error{Pos: i, Msg: fmt.Sprintf("unexpected character %q", rune(c))}
		}
	}
	toks = append(toks, token{tEOF, "end of filter", len(s)})
	return toks, nil
}

func isIdentStart(r rune) bool { return r == '_' || r < 128 && unicode.IsLetter(r) }
func isIdentPart(r rune) bool {
	return isIdentStart(r) || r >= '0' && r <= '9' || r == '.'
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) keyword(words ...string) bool {
	t := p.peek()
	if t.kind != tIdent {
		return false
	}
	for _, w := range words {
		if strings.EqualFold(t.text, w) {
			return true
		}
	}
	return false
}

func (p *parser) or(depth int) (Expr, error) {
	if depth > maxDepth {
		return nil, &Error{Pos: p.peek().pos, Msg: "filter nested too deeply"}
	}
	left, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.keyword("or") {
		p.next()
		right, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		left = orExpr{left, right}
	}
	return left, nil
}

func (p *parser) and(depth int) (Expr, error) {
	left, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for p.keyword("and") {
		p.next()
		right, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		left = andExpr{left, right}
	}
	return left, nil
}

func (p *parser) unary(depth int) (Expr, error) {
	if depth > maxDepth {
		return nil, &Error{Pos: p.peek().pos, Msg: "filter nested too deeply"}
	}
	t := p.peek()
	switch {
	case t.kind == tLParen:
		p.next()
		e, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, &Error{Pos: c.pos, Msg: fmt.Sprintf("expected ')', got %q", c.text)}
		}
		return e, nil
	case p.keyword("not"):
		p.next()
		e, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return notExpr{e}, nil
	case p.keyword("true", "false") && p.toks[p.i+1].kind != tOp:
		p.next()
		return constExpr(strings.EqualFold(t.text, "true")), nil
	}
	return p.comparison()
}

func (p *parser) comparison() (Expr, error) {
	t := p.next()
	if t.kind != tIdent {
		return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("expected a field name, got %q", t.text)}
	}
	field, isAny := t.text, false
	if strings.EqualFold(field, "anyOf") && p.peek().kind == tLParen {
		p.next()
		f := p.next()
		if f.kind != tIdent {
			return nil, &Error{Pos: f.pos, Msg: "expected a field name inside anyOf()"}
		}
		if c := p.next(); c.kind != tRParen {
			return nil, &Error{Pos: c.pos, Msg: "expected ')' after anyOf(field"}
		}
		field, isAny = f.text, true
	}
	opTok := p.next()
	var op string
	switch opTok.kind {
	case tOp:
		op = opTok.text
	case tIdent:
		op = strings.ToLower(opTok.text)
		if op == "not" {
			n := p.next()
			switch strings.ToLower(n.text) {
			case "in", "contains", "icontains":
				op = "not " + strings.ToLower(n.text)
			default:
				return nil, &Error{Pos: n.pos, Msg: "expected in or contains after not"}
			}
		}
		switch op {
		case "in", "not in", "contains", "not contains", "icontains", "not icontains", "startswith", "endswith", "is":
		default:
			return nil, &Error{Pos: opTok.pos, Msg: fmt.Sprintf("unknown operator %q: use =, !=, <, <=, >, >=, contains, icontains, startsWith, endsWith, in or not in", opTok.text)}
		}
	default:
		return nil, &Error{Pos: opTok.pos, Msg: fmt.Sprintf("expected an operator after %s, got %q", field, opTok.text)}
	}
	if op == "is" { // `x is null` / `x is not null`
		neg := false
		if p.keyword("not") {
			p.next()
			neg = true
		}
		n := p.next()
		if n.kind != tIdent || !strings.EqualFold(n.text, "null") {
			return nil, &Error{Pos: n.pos, Msg: "expected null after is"}
		}
		op = "="
		if neg {
			op = "!="
		}
		return cmpExpr{field: field, op: op, val: nil, anyOf: isAny}, nil
	}
	if op == "in" || op == "not in" {
		if b := p.next(); b.kind != tLBrack {
			return nil, &Error{Pos: b.pos, Msg: "expected '[' after in"}
		}
		var vals []any
		for {
			if p.peek().kind == tRBrack && len(vals) == 0 {
				p.next()
				break
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			vals = append(vals, v)
			sep := p.next()
			if sep.kind == tRBrack {
				break
			}
			if sep.kind != tComma {
				return nil, &Error{Pos: sep.pos, Msg: fmt.Sprintf("expected ',' or ']' in list, got %q", sep.text)}
			}
		}
		return inExpr{field: field, vals: vals, neg: op == "not in", anyOf: isAny}, nil
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	switch op {
	case "contains", "not contains", "icontains", "not icontains", "startswith", "endswith":
		if _, ok := v.(string); !ok {
			return nil, &Error{Pos: opTok.pos, Msg: op + " needs a string value"}
		}
	}
	return cmpExpr{field: field, op: op, val: v, anyOf: isAny}, nil
}

func (p *parser) value() (any, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return t.text, nil
	case tNumber:
		if n, err := strconv.ParseInt(t.text, 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("invalid number %q", t.text)}
		}
		return f, nil
	case tIdent:
		switch strings.ToLower(t.text) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
	}
	return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("expected a value (a quoted string, number, true, false or null), got %q", t.text)}
}

// trailer accepts and ignores `sort by f [asc|desc], ...`, `skip n`, `limit n|none`.
func (p *parser) trailer() error {
	for {
		switch {
		case p.keyword("sort"):
			p.next()
			if !p.keyword("by") {
				return &Error{Pos: p.peek().pos, Msg: "expected by after sort"}
			}
			p.next()
			for {
				if t := p.next(); t.kind != tIdent {
					return &Error{Pos: t.pos, Msg: "expected a field name after sort by"}
				}
				if p.keyword("asc", "desc") {
					p.next()
				}
				if p.peek().kind != tComma {
					break
				}
				p.next()
			}
		case p.keyword("skip", "limit"):
			p.next()
			t := p.next()
			if t.kind != tNumber && (t.kind != tIdent || !strings.EqualFold(t.text, "none")) {
				return &Error{Pos: t.pos, Msg: "expected a number after skip/limit"}
			}
		default:
			return nil
		}
	}
}
