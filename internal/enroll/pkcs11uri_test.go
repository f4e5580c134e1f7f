package enroll

import (
	"strings"
	"testing"
)

func TestParsePKCS11URI(t *testing.T) {
	u, err := ParsePKCS11URI("pkcs11:token=My%20Token;object=k1;id=%01%A2?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=s3cr%3Bt")
	if err != nil {
		t.Fatal(err)
	}
	if u.Token != "My Token" || u.Object != "k1" || string(u.ID) != "\x01\xa2" || u.ModulePath != "/usr/lib/softhsm/libsofthsm2.so" || u.PinValue != "s3cr;t" {
		t.Fatalf("%+v", u)
	}
	if pin, _ := u.Pin(); pin != "s3cr;t" {
		t.Fatal("pin")
	}
	if r := u.Redacted(); strings.Contains(r, "s3cr") || !strings.Contains(r, "pin-value=REDACTED") {
		t.Fatalf("redacted %q", r)
	}
	back, err := ParsePKCS11URI(u.String())
	if err != nil || back.String() != u.String() || back.PinValue != u.PinValue {
		t.Fatalf("round trip %q: %v", u.String(), err)
	}

	t.Setenv("MY_PIN", "1234")
	u, err = ParsePKCS11URI("pkcs11:token=t;object=k?module-path=/m.so&pin-source=env:MY_PIN")
	if err != nil {
		t.Fatal(err)
	}
	if pin, err := u.Pin(); err != nil || pin != "1234" {
		t.Fatalf("env pin %q %v", pin, err)
	}

	// The OpenZiti SDKs' form (ziti-edge-tunnel, the Go SDK's pkcs11
	// engine): id is hex, slot may be 0x hex, and it is written back as it
	// came, PIN redacted in messages.
	u, err = ParsePKCS11URI("pkcs11:///usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so?pin=ziggy1&slot=0x1&label=ziggy-key&id=a1B2")
	if err != nil || u.ModulePath != "/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so" || u.Object != "ziggy-key" || *u.SlotID != 1 ||
		u.PinValue != "ziggy1" || string(u.ID) != "\xa1\xb2" || !u.SDKForm {
		t.Fatalf("SDK form: %+v %v", u, err)
	}
	if got := u.String(); got != "pkcs11:///usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so?slot=1&id=a1b2&label=ziggy-key&pin=ziggy1" {
		t.Fatalf("SDK form written as %q", got)
	}
	if got := u.Redacted(); strings.Contains(got, "ziggy1") || !strings.Contains(got, "pin=REDACTED") {
		t.Fatalf("redacted %q", got)
	}
}

func TestParsePKCS11URIRejects(t *testing.T) {
	cases := map[string]string{
		"file:///key.pem":                                                     "must start with",
		"pkcs11:token=t;object=k":                                             "module-path is required",
		"pkcs11:object=k?module-path=/m.so":                                   "name the token",
		"pkcs11:token=t?module-path=/m.so":                                    "name the key",
		"pkcs11:token=t;object=k;bogus=1?module-path=/m":                      "unknown attribute",
		"pkcs11:token=t;object=k?module-path=/m&x=1":                          "unknown query attribute",
		"pkcs11:token=t;token=u;object=k?module-path=/m":                      "given twice",
		"pkcs11:token=t;object=k?module-path=/m&pin-value=a&pin-source=env:X": "either pin-value or pin-source",
		"pkcs11:token=t;object=%zz?module-path=/m":                            "percent-encoding",
		"pkcs11:token=t;slot-id=-1;object=k?module-path=/m":                   "slot-id",
		"pkcs11:///m.so?slot=1&id=xyz":                                        "id is the key's CKA_ID in hex",
		"pkcs11:///m.so?slot=one&id=01":                                       "slot must be a number",
		"pkcs11:///m.so?slot=1&id=01&pin=a%26b":                               "pin may hold only letters, digits and -._~",
		"pkcs11:///my%20lib.so?slot=1&id=01":                                  "the module path may hold only",
		"pkcs11:///m.so?slot=1&id=01&id=02":                                   "id is given twice",
	}
	for in, want := range cases {
		if _, err := ParsePKCS11URI(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", in, err, want)
		}
	}
	u, _ := ParsePKCS11URI("pkcs11:token=t;object=k?module-path=/m&pin-source=env:ZITI_NO_SUCH_VAR_X")
	if _, err := u.Pin(); err == nil || !strings.Contains(err.Error(), "ZITI_NO_SUCH_VAR_X") {
		t.Fatalf("unset env: %v", err)
	}
}

// FuzzPKCS11URI: whatever parses must round-trip through String.
func FuzzPKCS11URI(f *testing.F) {
	f.Add("pkcs11:token=a;object=b;id=%01?module-path=/m.so&pin-value=1")
	f.Add("pkcs11:///m.so?pin=1&slot=2&label=x")
	f.Add("pkcs11:///m.so?slot=0x10&id=0aff&pin-source=env:P")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParsePKCS11URI(s)
		if err != nil {
			return
		}
		back, err := ParsePKCS11URI(u.String())
		if err != nil {
			t.Fatalf("String() of %q does not parse: %q: %v", s, u.String(), err)
		}
		if back.String() != u.String() {
			t.Fatalf("not stable: %q vs %q", back.String(), u.String())
		}
	})
}
