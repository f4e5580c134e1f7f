package domain

import (
	"fmt"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxNameBytes caps a name's length in UTF-8 bytes.
const MaxNameBytes = 255

// nameProblem reports why name breaks the name policy, or "" when it
// keeps it. Names are shown in consoles, logs and plans: a control
// character rewrites a terminal, a bidi override or zero-width character
// makes two different names look the same, and so do the NFC and NFD
// spellings of one text.
func nameProblem(name string) string {
	if len(name) > MaxNameBytes {
		return fmt.Sprintf("must be at most %d bytes of UTF-8", MaxNameBytes)
	}
	for _, r := range name {
		switch {
		case r == unicode.ReplacementChar:
			return "holds U+FFFD (an invalid character was replaced): send valid UTF-8"
		case unicode.IsControl(r):
			return fmt.Sprintf("holds the control character U+%04X: use printable characters", r)
		case invisible(r):
			return fmt.Sprintf("holds the invisible character U+%04X (bidi control or zero-width): remove it", r)
		}
	}
	if !norm.NFC.IsNormalString(name) {
		return "is not in Unicode normalization form NFC: send the composed form (for example é as U+00E9)"
	}
	return ""
}

// invisible reports bidi controls and zero-width characters.
func invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x2069, r == 0xFEFF, r == 0x061C:
		return true
	}
	return false
}

// sanitizeName makes a name that keeps the policy from text the caller
// does not control (a certificate's fields): NFC, without control,
// bidi or zero-width characters, cut to MaxNameBytes.
func sanitizeName(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range norm.NFC.String(s) {
		if r == unicode.ReplacementChar || unicode.IsControl(r) || invisible(r) {
			continue
		}
		out = append(out, r)
	}
	name := string(out)
	for len(name) > MaxNameBytes {
		rs := []rune(name)
		name = string(rs[:len(rs)-1])
	}
	return name
}
