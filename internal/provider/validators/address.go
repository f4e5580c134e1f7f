package validators

import (
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// HostPort checks a bare host:port address, without a scheme or path.
func HostPort() validator.String {
	return stringCheck{desc: "must be host:port", check: func(p path.Path, s string, diags *diag.Diagnostics) {
		host, port, err := net.SplitHostPort(s)
		if err != nil || host == "" || port == "" || strings.Contains(s, "/") {
			diags.AddAttributeError(p, "Invalid address",
				fmt.Sprintf("%q is not host:port. Give the bare address without a scheme, e.g. \"ctrl.example.com:1280\" or \"[::1]:1280\".", s))
		}
	}}
}

// trustDomainRE is a DNS-style name: what OpenZiti puts after spiffe://.
var trustDomainRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// TrustDomain checks a SPIFFE trust domain given without its scheme: a
// spiffe:// prefix is refused, since OpenZiti v1.7 adds the scheme itself
// and would read "spiffe://spiffe://..." as the trust domain "spiffe".
func TrustDomain() validator.String {
	return stringCheck{desc: "must be a DNS-style name without a scheme, such as ziti.example.com", check: func(p path.Path, s string, diags *diag.Diagnostics) {
		if strings.Contains(s, "://") {
			diags.AddAttributeError(p, "Invalid trust domain",
				fmt.Sprintf("%q has a scheme: give the bare trust domain, e.g. \"ziti.example.com\" (the controller adds spiffe:// itself).", s))
			return
		}
		if len(s) > 253 || !trustDomainRE.MatchString(s) {
			diags.AddAttributeError(p, "Invalid trust domain",
				fmt.Sprintf("%q is not a DNS-style name: use letters, digits, '-' and '.', e.g. \"ziti.example.com\".", s))
		}
	}}
}
