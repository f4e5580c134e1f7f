package enroll

import (
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// dialAddr returns the host:port to dial for an https URL (port 443 when it
// names none) and the host to match against the certificate's SANs. The
// error completes a sentence about the URL ("has an invalid port").
func dialAddr(u *url.URL) (addr, host string, err error) {
	host = u.Hostname()
	port := u.Port()
	if port == "" {
		port = "443"
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return "", "", errors.New("has an invalid port")
	}
	if host == "" {
		return "", "", errors.New("has no host")
	}
	// url.Parse lets bytes through that no resolver or certificate would
	// accept (a stray ']', invalid UTF-8): refuse them here rather than
	// dial or match a host that cannot exist.
	if _, err := netip.ParseAddr(host); err != nil && !validHostname(host) {
		return "", "", errors.New("has an invalid host: use a DNS name or an IP address")
	}
	return net.JoinHostPort(host, port), host, nil
}

// validHostname reports whether h is a DNS name: dot-separated labels of
// 1 to 63 letters, digits, hyphens or underscores, 253 bytes at most, with
// an optional trailing dot.
func validHostname(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			switch c := label[i]; {
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_':
			default:
				return false
			}
		}
	}
	return true
}
