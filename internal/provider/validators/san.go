package validators

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The validators below check the elements of certificate SAN lists.

// IPAddress checks an IP address SAN.
func IPAddress() validator.String {
	return stringCheck{desc: "each entry must be an IPv4 or IPv6 address", check: func(p path.Path, s string, diags *diag.Diagnostics) {
		if net.ParseIP(s) == nil {
			diags.AddAttributeError(p, "Invalid IP address",
				fmt.Sprintf("%q is not an IP address. Put IPv4/IPv6 addresses (e.g. \"127.0.0.1\", \"::1\") in ip_addresses and host names in dns_names.", s))
		}
	}}
}

var dnsRE = regexp.MustCompile(`^(\*\.)?([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$`)

// DNSName checks a DNS name SAN; a leading "*." wildcard is allowed, an IP
// address is refused with a pointer to ip_addresses.
func DNSName() validator.String {
	return stringCheck{desc: "each entry must be a DNS name (a leading *. wildcard is allowed)", check: func(p path.Path, s string, diags *diag.Diagnostics) {
		if net.ParseIP(s) != nil {
			diags.AddAttributeError(p, "IP address in dns_names",
				fmt.Sprintf("%q is an IP address: move it to ip_addresses (clients match IPs only against IP SANs).", s))
			return
		}
		if len(s) > 253 || !dnsRE.MatchString(s) {
			diags.AddAttributeError(p, "Invalid DNS name",
				fmt.Sprintf("%q is not a DNS name: use letters, digits and '-' in dot-separated labels, e.g. \"ctrl.example.com\" (no scheme or port).", s))
		}
	}}
}

// URI checks a URI SAN: it must be absolute.
func URI() validator.String {
	return stringCheck{desc: "each entry must be an absolute URI", check: func(p path.Path, s string, diags *diag.Diagnostics) {
		if u, err := url.Parse(s); err != nil || u.Scheme == "" {
			diags.AddAttributeError(p, "Invalid URI",
				fmt.Sprintf("%q is not an absolute URI: give scheme and path, e.g. \"spiffe://example.org/workload\".", s))
		}
	}}
}

// Email checks an email address SAN in its bare form.
func Email() validator.String {
	return stringCheck{desc: "each entry must be an email address", check: func(p path.Path, s string, diags *diag.Diagnostics) {
		at := strings.LastIndex(s, "@")
		if at < 1 || at == len(s)-1 || strings.ContainsAny(s, " <>") {
			diags.AddAttributeError(p, "Invalid email address",
				fmt.Sprintf("%q is not an email address: use the bare form, e.g. \"ops@example.org\".", s))
		}
	}}
}
