package pki

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// The CA database files `ziti pki` keeps beside each CA (the OpenSSL `ca`
// layout). `ziti pki create` appends one line per certificate it signs to
// the signing CA's index.txt and refuses to sign when the file is missing;
// it creates serial, crlnumber and index.txt.attr with fixed content and
// never reads them (its serials are random), but OpenSSL does.
const (
	IndexFile     = "index.txt"
	IndexAttrFile = "index.txt.attr"
	SerialFile    = "serial"
	CRLNumberFile = "crlnumber"
)

// CADBDefaults is the content `ziti pki` gives the database files of a new
// CA directory. index.txt starts empty.
var CADBDefaults = map[string]string{
	SerialFile:    "01\n",
	CRLNumberFile: "01\n",
	IndexAttrFile: "unique_subject = no\n",
}

// indexLineRE is the line format `ziti pki` reads back (it refuses a whole
// index with one line not matching it): state, expiry, optional revocation
// time, hex serial, file name, subject.
var indexLineRE = regexp.MustCompile("^([VRE])\t([0-9]{12}Z)\t([0-9]{12}Z)?\t([0-9a-fA-F]{2,})\t([^\t]+)\t(.+)$")

// IndexLine is the index.txt line `ziti pki` writes for a certificate it
// stores as <name>.cert, byte for byte (without the newline).
func IndexLine(name string, c *x509.Certificate) string {
	var subject string
	for _, p := range []struct {
		k string
		v []string
	}{
		{"C", c.Subject.Country}, {"O", c.Subject.Organization}, {"OU", c.Subject.OrganizationalUnit},
		{"L", c.Subject.Locality}, {"ST", c.Subject.Province},
	} {
		if len(p.v) == 1 {
			subject += "/" + p.k + "=" + p.v[0]
		}
	}
	subject += "/CN=" + c.Subject.CommonName
	return fmt.Sprintf("V\t%sZ\t\t%s\t%s.cert\t%s", c.NotAfter.UTC().Format("060102150405"), SerialHex(c.SerialNumber), name, subject)
}

// SerialHex is a serial in upper-case hex of even length, as OpenSSL and
// `ziti pki` write it.
func SerialHex(sn *big.Int) string {
	s := strings.ToUpper(sn.Text(16))
	if len(s)%2 == 1 {
		s = "0" + s
	}
	return s
}

// indexSerial returns the normalised serial of an index line, "" if the
// line is not an index entry.
func indexSerial(line string) string {
	m := indexLineRE.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	sn, ok := new(big.Int).SetString(m[4], 16)
	if !ok {
		return ""
	}
	return SerialHex(sn)
}

// MergeIndex rewrites a shared index.txt. Lines for the serials in drop
// (entries the caller wrote earlier and no longer wants) are removed; a line
// for a serial in add replaces the existing line of that serial in place;
// the other lines of add are appended. Every other line, such as those
// `ziti pki` or OpenSSL appended, is kept as it is and where it is. The
// result of merging the same add twice is the same bytes.
func MergeIndex(existing []byte, drop map[string]bool, add []string) []byte {
	want := map[string]string{}
	var order []string
	for _, l := range add {
		sn := indexSerial(l)
		if _, dup := want[sn]; !dup {
			order = append(order, sn)
		}
		want[sn] = l
	}
	done := map[string]bool{}
	var out bytes.Buffer
	for _, line := range strings.Split(strings.TrimRight(string(existing), "\n"), "\n") {
		if line == "" {
			continue
		}
		sn := indexSerial(line)
		if l, ok := want[sn]; ok && sn != "" {
			if !done[sn] {
				out.WriteString(l + "\n")
				done[sn] = true
			}
			continue
		}
		if sn != "" && drop[sn] {
			continue
		}
		out.WriteString(line + "\n")
	}
	for _, sn := range order {
		if !done[sn] {
			out.WriteString(want[sn] + "\n")
		}
	}
	return out.Bytes()
}

// IndexHasLines reports whether index holds every one of lines.
func IndexHasLines(index []byte, lines []string) bool {
	have := map[string]bool{}
	for _, l := range strings.Split(string(index), "\n") {
		have[strings.TrimRight(l, "\r")] = true
	}
	for _, l := range lines {
		if !have[l] {
			return false
		}
	}
	return true
}

// IndexEmpty reports whether index holds no entry at all.
func IndexEmpty(index []byte) bool { return len(bytes.TrimSpace(index)) == 0 }

// NextSerial returns the content of the serial file: the next serial
// OpenSSL would use. It is never lowered below what the file already says,
// and it is above every serial in index, so a CA tool that counts up from
// it collides with no certificate already issued.
func NextSerial(current, index []byte) []byte {
	next := big.NewInt(1)
	if sn, ok := new(big.Int).SetString(strings.TrimSpace(string(current)), 16); ok && sn.Cmp(next) > 0 {
		next = sn
	}
	for _, l := range strings.Split(string(index), "\n") {
		if s := indexSerial(l); s != "" {
			sn, _ := new(big.Int).SetString(s, 16)
			if sn.Cmp(next) >= 0 {
				next = new(big.Int).Add(sn, big.NewInt(1))
			}
		}
	}
	return []byte(SerialHex(next) + "\n")
}
