package claims

import (
	"errors"
	"strings"
	"testing"
)

var subj = Subject{
	CommonName: "team-alpha.device-42",
	URIs:       []string{"https://example.org/x", "spiffe://corp.example/ns/prod/sa/web", "spiffe://corp.example/ns/dev/sa/db"},
	Emails:     []string{"alice@corp.example", "bob@other.example"},
}

func TestExtract(t *testing.T) {
	cases := []struct {
		name    string
		cfg     Config
		want    string
		wantErr string // substring; "" means success
		noClaim bool
	}{
		{name: "defaults are COMMON_NAME ALL NONE 0", cfg: Config{}, want: "team-alpha.device-42"},
		{name: "COMMON_NAME ALL", cfg: Config{Location: LocationCommonName, Matcher: MatcherAll, Parser: ParserNone}, want: "team-alpha.device-42"},
		{name: "COMMON_NAME PREFIX match", cfg: Config{Location: LocationCommonName, Matcher: MatcherPrefix, MatcherCriteria: "team-"}, want: "team-alpha.device-42"},
		{name: "COMMON_NAME PREFIX no match", cfg: Config{Location: LocationCommonName, Matcher: MatcherPrefix, MatcherCriteria: "ops-"}, noClaim: true},
		{name: "COMMON_NAME SUFFIX", cfg: Config{Location: LocationCommonName, Matcher: MatcherSuffix, MatcherCriteria: "-42"}, want: "team-alpha.device-42"},
		{name: "COMMON_NAME SUFFIX no match", cfg: Config{Location: LocationCommonName, Matcher: MatcherSuffix, MatcherCriteria: "-43"}, noClaim: true},
		{name: "COMMON_NAME SPLIT index 1", cfg: Config{Location: LocationCommonName, Parser: ParserSplit, ParserCriteria: ".", Index: 1}, want: "device-42"},
		{name: "COMMON_NAME SPLIT index 0", cfg: Config{Location: LocationCommonName, Parser: ParserSplit, ParserCriteria: ".", Index: 0}, want: "team-alpha"},
		{name: "COMMON_NAME SPLIT out of range", cfg: Config{Location: LocationCommonName, Parser: ParserSplit, ParserCriteria: ".", Index: 2}, noClaim: true, wantErr: "out of range"},
		{name: "SAN_URI ALL index 0", cfg: Config{Location: LocationSANURI, Matcher: MatcherAll}, want: "https://example.org/x"},
		{name: "SAN_URI ALL index 2", cfg: Config{Location: LocationSANURI, Matcher: MatcherAll, Index: 2}, want: "spiffe://corp.example/ns/dev/sa/db"},
		{name: "SAN_URI SCHEME spiffe", cfg: Config{Location: LocationSANURI, Matcher: MatcherScheme, MatcherCriteria: "spiffe"}, want: "spiffe://corp.example/ns/prod/sa/web"},
		{name: "SAN_URI SCHEME is case-insensitive", cfg: Config{Location: LocationSANURI, Matcher: MatcherScheme, MatcherCriteria: "SPIFFE", Index: 1}, want: "spiffe://corp.example/ns/dev/sa/db"},
		{name: "SAN_URI SCHEME absent", cfg: Config{Location: LocationSANURI, Matcher: MatcherScheme, MatcherCriteria: "urn"}, noClaim: true},
		{name: "SAN_URI PREFIX", cfg: Config{Location: LocationSANURI, Matcher: MatcherPrefix, MatcherCriteria: "spiffe://corp.example/ns/dev/"}, want: "spiffe://corp.example/ns/dev/sa/db"},
		{name: "SAN_URI SUFFIX", cfg: Config{Location: LocationSANURI, Matcher: MatcherSuffix, MatcherCriteria: "/web"}, want: "spiffe://corp.example/ns/prod/sa/web"},
		{name: "SAN_URI SCHEME SPLIT", cfg: Config{Location: LocationSANURI, Matcher: MatcherScheme, MatcherCriteria: "spiffe", Parser: ParserSplit, ParserCriteria: "/", Index: 5}, want: "web"},
		{name: "SAN_EMAIL ALL index 1", cfg: Config{Location: LocationSANEmail, Matcher: MatcherAll, Index: 1}, want: "bob@other.example"},
		{name: "SAN_EMAIL SUFFIX", cfg: Config{Location: LocationSANEmail, Matcher: MatcherSuffix, MatcherCriteria: "@corp.example"}, want: "alice@corp.example"},
		{name: "SAN_EMAIL SPLIT", cfg: Config{Location: LocationSANEmail, Parser: ParserSplit, ParserCriteria: "@", Index: 3}, want: "other.example"},
		{name: "SAN_EMAIL NONE out of range", cfg: Config{Location: LocationSANEmail, Parser: ParserNone, Index: 2}, noClaim: true, wantErr: "out of range"},
		{name: "bad location", cfg: Config{Location: "SUBJECT"}, wantErr: "location"},
		{name: "bad matcher", cfg: Config{Matcher: "REGEX"}, wantErr: "matcher"},
		{name: "bad parser", cfg: Config{Parser: "JSON"}, wantErr: "parser"},
		{name: "PREFIX without criteria", cfg: Config{Matcher: MatcherPrefix}, wantErr: "matcherCriteria"},
		{name: "SCHEME without criteria", cfg: Config{Location: LocationSANURI, Matcher: MatcherScheme}, wantErr: "matcherCriteria"},
		{name: "SPLIT without separator", cfg: Config{Parser: ParserSplit}, wantErr: "parserCriteria"},
		{name: "negative index", cfg: Config{Index: -1}, wantErr: "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Extract(tc.cfg, subj)
			if tc.wantErr == "" && !tc.noClaim {
				if err != nil {
					t.Fatalf("error %v, want %q", err, tc.want)
				}
				if got != tc.want {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("got %q, want an error", got)
			}
			if tc.noClaim != errors.Is(err, ErrNoClaim) {
				t.Fatalf("errors.Is(ErrNoClaim) = %v for %v", !tc.noClaim, err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %q does not mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestEmptySubject(t *testing.T) {
	for _, loc := range Locations {
		if _, err := Extract(Config{Location: loc}, Subject{}); !errors.Is(err, ErrNoClaim) {
			t.Fatalf("%s on an empty subject: %v", loc, err)
		}
	}
}

// FuzzExtract checks that any configuration and subject either fails
// cleanly or yields a value that is a piece of one of the located values.
func FuzzExtract(f *testing.F) {
	f.Add("SAN_URI", "SCHEME", "spiffe", "NONE", "", int64(0), "cn", "spiffe://a/b", "x@y")
	f.Add("COMMON_NAME", "PREFIX", "dev-", "SPLIT", "-", int64(1), "dev-a-b", "", "")
	f.Add("SAN_EMAIL", "SUFFIX", "@y", "SPLIT", "@", int64(7), "", "", "x@y")
	f.Add("", "", "", "", "", int64(-3), "", "%zz://", "")
	f.Fuzz(func(t *testing.T, loc, matcher, mc, parser, pc string, idx int64, cn, uri, email string) {
		s := Subject{CommonName: cn, URIs: []string{uri}, Emails: []string{email}}
		cfg := Config{Location: loc, Matcher: matcher, MatcherCriteria: mc, Parser: parser, ParserCriteria: pc, Index: idx}
		got, err := Extract(cfg, s)
		if err != nil {
			if got != "" {
				t.Fatalf("value %q with error %v", got, err)
			}
			return
		}
		if cfg.Validate() != nil {
			t.Fatalf("invalid config %+v produced %q", cfg, got)
		}
		var src string
		switch loc {
		case "", LocationCommonName:
			src = cn
		case LocationSANURI:
			src = uri
		case LocationSANEmail:
			src = email
		}
		if !strings.Contains(src, got) || got == "" {
			t.Fatalf("value %q is not part of the located value %q", got, src)
		}
		if parser != ParserSplit && got != src {
			t.Fatalf("without SPLIT the value %q must be the whole located value %q", got, src)
		}
	})
}
