// Package claims extracts an identity's externalId from an x509 client
// certificate the way a third-party CA's `externalIdClaim` describes:
// values are located (common name, SAN URIs, SAN emails), filtered by a
// matcher, parsed (optionally split), and one of them picked by index.
//
// It is pure: no I/O, no clock, no certificate parsing beyond reading the
// fields it is given, so that it can be table-tested and fuzzed.
package claims

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Locations.
const (
	LocationCommonName = "COMMON_NAME"
	LocationSANURI     = "SAN_URI"
	LocationSANEmail   = "SAN_EMAIL"
)

// Matchers.
const (
	MatcherAll    = "ALL"
	MatcherPrefix = "PREFIX"
	MatcherSuffix = "SUFFIX"
	MatcherScheme = "SCHEME"
)

// Parsers.
const (
	ParserNone  = "NONE"
	ParserSplit = "SPLIT"
)

// Locations, Matchers and Parsers list the accepted enum values.
var (
	Locations = []string{LocationCommonName, LocationSANURI, LocationSANEmail}
	Matchers  = []string{MatcherAll, MatcherPrefix, MatcherSuffix, MatcherScheme}
	Parsers   = []string{ParserNone, ParserSplit}
)

// Config is an externalIdClaim. Empty strings mean the defaults
// COMMON_NAME, ALL and NONE.
type Config struct {
	Location        string
	Matcher         string
	MatcherCriteria string
	Parser          string
	ParserCriteria  string
	Index           int64
}

// Subject is the part of a certificate that claims can come from.
type Subject struct {
	CommonName string
	URIs       []string
	Emails     []string
}

// SubjectOf reads the claim sources of a certificate.
func SubjectOf(c *x509.Certificate) Subject {
	s := Subject{CommonName: c.Subject.CommonName, Emails: append([]string(nil), c.EmailAddresses...)}
	for _, u := range c.URIs {
		s.URIs = append(s.URIs, u.String())
	}
	return s
}

// ErrNoClaim means the certificate holds no value that passes the
// configuration (or the index is out of range).
var ErrNoClaim = errors.New("no claim")

// Validate checks the enum values and the criteria the matcher and parser
// need; the error names the field.
func (c Config) Validate() error {
	if c.Location != "" && !in(c.Location, Locations) {
		return fmt.Errorf("location: %q is not one of %s", c.Location, strings.Join(Locations, ", "))
	}
	if c.Matcher != "" && !in(c.Matcher, Matchers) {
		return fmt.Errorf("matcher: %q is not one of %s", c.Matcher, strings.Join(Matchers, ", "))
	}
	if c.Parser != "" && !in(c.Parser, Parsers) {
		return fmt.Errorf("parser: %q is not one of %s", c.Parser, strings.Join(Parsers, ", "))
	}
	switch c.Matcher {
	case MatcherPrefix, MatcherSuffix, MatcherScheme:
		if c.MatcherCriteria == "" {
			return fmt.Errorf("matcherCriteria: matcher %s needs a criteria (the prefix, suffix or URI scheme to match)", c.Matcher)
		}
	}
	if c.Parser == ParserSplit && c.ParserCriteria == "" {
		return errors.New("parserCriteria: parser SPLIT needs the separator to split on")
	}
	if c.Index < 0 {
		return fmt.Errorf("index: %d is negative", c.Index)
	}
	return nil
}

// Values returns every candidate value in order, after location, matcher
// and parser, before the index picks one.
func Values(c Config, s Subject) ([]string, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var located []string
	switch c.Location {
	case "", LocationCommonName:
		if s.CommonName != "" {
			located = []string{s.CommonName}
		}
	case LocationSANURI:
		located = s.URIs
	case LocationSANEmail:
		located = s.Emails
	}
	var matched []string
	for _, v := range located {
		if match(c.Matcher, c.MatcherCriteria, v) {
			matched = append(matched, v)
		}
	}
	var out []string
	for _, v := range matched {
		if c.Parser == ParserSplit {
			for _, p := range strings.Split(v, c.ParserCriteria) {
				if p != "" {
					out = append(out, p)
				}
			}
			continue
		}
		out = append(out, v)
	}
	return out, nil
}

// Extract returns the value at the configured index.
func Extract(c Config, s Subject) (string, error) {
	vs, err := Values(c, s)
	if err != nil {
		return "", err
	}
	if len(vs) == 0 {
		return "", fmt.Errorf("%w: the certificate has no %s value matching %s %q", ErrNoClaim, orDefault(c.Location, LocationCommonName), orDefault(c.Matcher, MatcherAll), c.MatcherCriteria)
	}
	if c.Index >= int64(len(vs)) {
		return "", fmt.Errorf("%w: index %d is out of range: the certificate yields %d value(s)", ErrNoClaim, c.Index, len(vs))
	}
	return vs[c.Index], nil
}

func match(matcher, criteria, v string) bool {
	switch matcher {
	case "", MatcherAll:
		return true
	case MatcherPrefix:
		return strings.HasPrefix(v, criteria)
	case MatcherSuffix:
		return strings.HasSuffix(v, criteria)
	case MatcherScheme:
		u, err := url.Parse(v)
		return err == nil && strings.EqualFold(u.Scheme, criteria)
	}
	return false
}

func in(s string, set []string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
