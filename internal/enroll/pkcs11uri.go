package enroll

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
)

// PKCS11URI names a key on a PKCS#11 token (RFC 7512). Supported path
// attributes: token, object, id, serial, slot-id; query attributes:
// module-path, pin-value, pin-source. pin-source is a file path
// (file:///path or /path) or env:NAME for an environment variable, so the PIN
// need not sit in the identity file.
//
// The form the OpenZiti SDKs read (ziti-edge-tunnel's tlsuv and the Go
// SDK's pkcs11 engine), pkcs11:///path/to/module.so?slot=..&id=..&pin=..&label=..,
// is accepted as well, with their meanings: id is the CKA_ID in hex, slot a
// number (decimal or 0x hex), and values are taken literally (tlsuv does not
// percent-decode), so they are limited to letters, digits and -._~. A URI in
// that form is written back in that form (SDKForm).
type PKCS11URI struct {
	ModulePath string
	Token      string
	Serial     string
	SlotID     *int
	Object     string
	ID         []byte
	PinValue   string
	PinSource  string
	// SDKForm: the URI was given, and is written, in the SDKs' form.
	SDKForm bool
}

// ParsePKCS11URI parses a pkcs11: URI. Errors never contain the PIN.
func ParsePKCS11URI(s string) (*PKCS11URI, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "pkcs11:") {
		return nil, errors.New("a PKCS#11 key reference must start with \"pkcs11:\" (e.g. pkcs11:token=ziti;object=my-key?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=env:PKCS11_PIN)")
	}
	rest := strings.TrimPrefix(s, "pkcs11:")
	u := &PKCS11URI{}
	path, query, _ := strings.Cut(rest, "?")
	legacy := strings.HasPrefix(path, "//")
	if legacy {
		u.ModulePath = strings.TrimPrefix(path, "//")
		if strings.Trim(u.ModulePath, sdkChars+"/") != "" {
			return nil, errors.New("pkcs11 URI: in the pkcs11:///module form the module path may hold only letters, digits, / and -._~, " +
				"because the OpenZiti SDKs read it literally; use the pkcs11:token=...?module-path=... form otherwise")
		}
		path = ""
	}
	if path != "" {
		for _, attr := range strings.Split(path, ";") {
			k, v, err := pkcs11Attr(attr)
			if err != nil {
				return nil, err
			}
			if err := u.set(k, v, false); err != nil {
				return nil, err
			}
		}
	}
	u.SDKForm = legacy
	if query != "" {
		for _, attr := range strings.Split(query, "&") {
			var (
				k, v string
				err  error
			)
			if legacy {
				k, v, err = u.sdkAttr(attr)
			} else {
				k, v, err = pkcs11Attr(attr)
			}
			if err != nil {
				return nil, err
			}
			if k == "" {
				continue // id, stored by sdkAttr
			}
			if err := u.set(k, v, true); err != nil {
				return nil, err
			}
		}
	}
	if u.ModulePath == "" {
		return nil, errors.New("pkcs11 URI: module-path is required (e.g. ?module-path=/usr/lib/softhsm/libsofthsm2.so)")
	}
	if u.Token == "" && u.Serial == "" && u.SlotID == nil {
		return nil, errors.New("pkcs11 URI: name the token with token=<label> (or serial= / slot-id=)")
	}
	if u.Object == "" && len(u.ID) == 0 {
		return nil, errors.New("pkcs11 URI: name the key with object=<label> and/or id=<%-encoded bytes>")
	}
	if u.PinValue != "" && u.PinSource != "" {
		return nil, errors.New("pkcs11 URI: give either pin-value or pin-source, not both")
	}
	return u, nil
}

func pkcs11Attr(a string) (string, string, error) {
	k, v, ok := strings.Cut(a, "=")
	if !ok || k == "" {
		return "", "", fmt.Errorf("pkcs11 URI: attribute %q must be name=value", redactAttr(a))
	}
	dv, err := url.PathUnescape(v)
	if err != nil {
		return "", "", fmt.Errorf("pkcs11 URI: attribute %s has invalid percent-encoding", k)
	}
	return k, dv, nil
}

// sdkChars are the characters the SDKs' form allows in values: those that
// mean the same read literally (tlsuv) and percent-decoded (the Go SDK).
const sdkChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"

// sdkAttr reads one query attribute of the SDKs' form and maps it to its
// RFC 7512 name; id is stored directly (k == "").
func (u *PKCS11URI) sdkAttr(a string) (k, v string, err error) {
	k, v, ok := strings.Cut(a, "=")
	if !ok || k == "" {
		return "", "", fmt.Errorf("pkcs11 URI: attribute %q must be name=value", redactAttr(a))
	}
	allowed := sdkChars
	if k == "pin-source" {
		allowed += ":/" // env:NAME or a path; read by this client only
	}
	if strings.Trim(v, allowed) != "" {
		return "", "", fmt.Errorf("pkcs11 URI: %s may hold only letters, digits and -._~ in the pkcs11:///module form, "+
			"because the OpenZiti SDKs read its values literally; use the pkcs11:token=...?module-path=... form with pin-source for anything else", k)
	}
	switch k {
	case "pin":
		return "pin-value", v, nil
	case "label":
		return "object", v, nil
	case "slot":
		n, err := strconv.ParseUint(v, 0, 31)
		if err != nil {
			return "", "", errors.New("pkcs11 URI: slot must be a number (decimal, or hex with 0x)")
		}
		return "slot-id", strconv.FormatUint(n, 10), nil
	case "id":
		b, err := hex.DecodeString(v)
		if err != nil || len(b) == 0 {
			return "", "", errors.New("pkcs11 URI: in the pkcs11:///module form, id is the key's CKA_ID in hex, as the OpenZiti SDKs read it")
		}
		if len(u.ID) != 0 {
			return "", "", errors.New("pkcs11 URI: attribute id is given twice")
		}
		u.ID = b
		return "", "", nil
	}
	return k, v, nil
}

func redactAttr(a string) string {
	if strings.HasPrefix(a, "pin") {
		return "pin..."
	}
	return a
}

func (u *PKCS11URI) set(k, v string, query bool) error {
	dup := func(cur bool) error {
		if cur {
			return fmt.Errorf("pkcs11 URI: attribute %s is given twice", k)
		}
		return nil
	}
	var err error
	switch k {
	case "module-path":
		err, u.ModulePath = dup(u.ModulePath != ""), v
	case "pin-value":
		err, u.PinValue = dup(u.PinValue != ""), v
	case "pin-source":
		err, u.PinSource = dup(u.PinSource != ""), v
	case "token":
		err, u.Token = dup(u.Token != ""), v
	case "serial":
		err, u.Serial = dup(u.Serial != ""), v
	case "object":
		err, u.Object = dup(u.Object != ""), v
	case "id":
		err, u.ID = dup(len(u.ID) != 0), []byte(v)
	case "slot-id":
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 0 {
			return errors.New("pkcs11 URI: slot-id must be a non-negative number")
		}
		err, u.SlotID = dup(u.SlotID != nil), &n
	case "type":
		if v != "private" && v != "public" && v != "cert" {
			return fmt.Errorf("pkcs11 URI: type=%s is not a key type", v)
		}
	case "manufacturer", "model", "library-manufacturer", "library-description", "library-version", "slot-description", "slot-manufacturer", "module-name":
		// Accepted and ignored: the module and token are found by the
		// attributes above.
	default:
		if query {
			return fmt.Errorf("pkcs11 URI: unknown query attribute %q (supported: module-path, pin-value, pin-source)", k)
		}
		return fmt.Errorf("pkcs11 URI: unknown attribute %q (supported: token, object, id, serial, slot-id)", k)
	}
	return err
}

// Pin returns the user PIN from pin-value, or reads it from pin-source.
// An empty PIN is allowed (tokens without login).
func (u *PKCS11URI) Pin() (string, error) {
	switch {
	case u.PinValue != "":
		return u.PinValue, nil
	case strings.HasPrefix(u.PinSource, "env:"):
		name := strings.TrimPrefix(u.PinSource, "env:")
		v, ok := os.LookupEnv(name)
		if !ok {
			return "", fmt.Errorf("pkcs11 URI: pin-source names the environment variable %s, which is not set", name)
		}
		return v, nil
	case u.PinSource != "":
		p := strings.TrimPrefix(u.PinSource, "file://")
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("pkcs11 URI: reading pin-source: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return "", nil
}

// String encodes the URI in RFC 7512 form, PIN included (it is what goes
// into the identity file, mode 0600). Use Redacted for messages.
func (u *PKCS11URI) String() string { return u.format(false) }

// Redacted is String without the PIN value.
func (u *PKCS11URI) Redacted() string { return u.format(true) }

func (u *PKCS11URI) format(redact bool) string {
	if u.SDKForm {
		return u.formatSDK(redact)
	}
	var path []string
	add := func(k, v string) {
		if v != "" {
			path = append(path, k+"="+pctEncode(v))
		}
	}
	add("token", u.Token)
	add("serial", u.Serial)
	if u.SlotID != nil {
		add("slot-id", strconv.Itoa(*u.SlotID))
	}
	add("object", u.Object)
	if len(u.ID) > 0 {
		var b strings.Builder
		for _, c := range u.ID {
			fmt.Fprintf(&b, "%%%02X", c)
		}
		path = append(path, "id="+b.String())
	}
	q := map[string]string{"module-path": u.ModulePath, "pin-source": u.PinSource, "pin-value": u.PinValue}
	if redact && u.PinValue != "" {
		q["pin-value"] = "REDACTED"
	}
	var query []string
	keys := []string{"module-path", "pin-source", "pin-value"}
	sort.Strings(keys)
	for _, k := range keys {
		if q[k] != "" {
			query = append(query, k+"="+pctEncode(q[k]))
		}
	}
	s := "pkcs11:" + strings.Join(path, ";")
	if len(query) > 0 {
		s += "?" + strings.Join(query, "&")
	}
	return s
}

// pctEncode keeps RFC 7512's unreserved characters plus '/' and ':' (module
// paths, env:NAME) readable.
func pctEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/:", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// formatSDK writes the SDKs' form. Its values were checked to need no
// encoding when parsed; a key generated by enroll adds only hex id and a
// label of the same characters.
func (u *PKCS11URI) formatSDK(redact bool) string {
	var q []string
	add := func(k, v string) {
		if v != "" {
			q = append(q, k+"="+v)
		}
	}
	if u.SlotID != nil {
		add("slot", strconv.Itoa(*u.SlotID))
	}
	add("token", u.Token)
	add("serial", u.Serial)
	add("id", hex.EncodeToString(u.ID))
	add("label", u.Object)
	add("pin-source", u.PinSource)
	if redact && u.PinValue != "" {
		add("pin", "REDACTED")
	} else {
		add("pin", u.PinValue)
	}
	return "pkcs11://" + u.ModulePath + "?" + strings.Join(q, "&")
}
