//go:build cgo

package pkcs11key

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/miekg/pkcs11"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
)

// Token is one logged-in read-write session on the token a URI names.
// Close ends it; every key found or made through it is unusable afterwards.
type Token struct {
	URI  *enroll.PKCS11URI
	mod  *module
	slot uint
	info pkcs11.TokenInfo

	mu     sync.Mutex // a PKCS#11 session runs one operation at a time
	sh     pkcs11.SessionHandle
	closed bool
	mechs  map[uint]pkcs11.MechanismInfo // filled on first use
}

// sessions counts the sessions this process has open, for tests that prove
// nothing is left behind.
var sessions atomic.Int64

// OpenSessions reports how many token sessions this process has open.
func OpenSessions() int { return int(sessions.Load()) }

// refusedPINs remembers PINs a token refused in this process, by a hash of
// module, token and PIN, so that the same wrong PIN is never sent twice: each
// wrong PIN counts toward the token's lockout (a TPM's dictionary-attack
// protection then refuses every key for a long time).
var (
	refusedMu   sync.Mutex
	refusedPINs = map[[32]byte]bool{}
)

func pinKey(module string, info pkcs11.TokenInfo, pin string) [32]byte {
	return sha256.Sum256([]byte(module + "\x00" + info.Label + "\x00" + info.SerialNumber + "\x00" + pin))
}

// Open logs in to the token the URI names. The PIN is sent at most once; a
// refused PIN is reported, never retried.
func Open(u *enroll.PKCS11URI) (_ *Token, err error) {
	pin, err := u.Pin()
	if err != nil {
		return nil, err
	}
	mod, err := openModule(u.ModulePath)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = mod.release()
		}
	}()
	slot, info, err := findSlot(mod.ctx, u)
	if err != nil {
		return nil, err
	}
	sh, err := mod.ctx.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	if err != nil {
		return nil, fmt.Errorf("opening a session on token %q: %w", info.Label, err)
	}
	sessions.Add(1)
	t := &Token{URI: u, mod: mod, slot: slot, info: info, sh: sh}
	if err := t.login(pin); err != nil {
		_ = mod.ctx.CloseSession(sh)
		sessions.Add(-1)
		return nil, err
	}
	return t, nil
}

func (t *Token) login(pin string) error {
	if t.info.Flags&pkcs11.CKF_LOGIN_REQUIRED == 0 {
		return nil
	}
	if pin == "" && t.info.Flags&pkcs11.CKF_PROTECTED_AUTHENTICATION_PATH == 0 {
		return fmt.Errorf("token %q requires a PIN: add pin-source=env:NAME (or pin-source=/path/to/file) to the pkcs11 URI", t.info.Label)
	}
	k := pinKey(t.URI.ModulePath, t.info, pin)
	refusedMu.Lock()
	refused := refusedPINs[k]
	refusedMu.Unlock()
	if refused {
		return fmt.Errorf("token %q already refused this PIN in this process; it is not sent again, because every wrong PIN counts toward the token's lockout", t.info.Label)
	}
	err := t.mod.ctx.Login(t.sh, pkcs11.CKU_USER, pin)
	var perr pkcs11.Error
	if !errors.As(err, &perr) {
		return err
	}
	switch perr {
	case pkcs11.CKR_USER_ALREADY_LOGGED_IN:
		// Login state is per application and token: another open Token
		// of this process logged in already.
		return nil
	case pkcs11.CKR_PIN_INCORRECT:
		refusedMu.Lock()
		refusedPINs[k] = true
		refusedMu.Unlock()
		return fmt.Errorf("token %q refused the PIN (CKR_PIN_INCORRECT). It was tried once and will not be retried: "+
			"every wrong PIN counts toward the token's lockout (a TPM locks all its keys under dictionary-attack protection). "+
			"Check what pin-source points to", t.info.Label)
	case pkcs11.CKR_PIN_LOCKED:
		return fmt.Errorf("token %q is locked after too many wrong PINs (CKR_PIN_LOCKED): unlock it with the security officer PIN "+
			"(for a TPM: wait for the dictionary-attack lockout to end, or reset it with its lockout authorization)", t.info.Label)
	}
	return fmt.Errorf("logging in to token %q: %w", t.info.Label, err)
}

// findSlot picks the one slot whose token matches the URI's token, serial
// and slot-id attributes.
func findSlot(ctx *pkcs11.Ctx, u *enroll.PKCS11URI) (uint, pkcs11.TokenInfo, error) {
	slots, err := ctx.GetSlotList(true)
	if err != nil {
		return 0, pkcs11.TokenInfo{}, fmt.Errorf("listing the slots of %s: %w", u.ModulePath, err)
	}
	var (
		found  []uint
		info   pkcs11.TokenInfo
		labels []string
	)
	for _, s := range slots {
		ti, err := ctx.GetTokenInfo(s)
		if err != nil {
			continue
		}
		label := strings.TrimRight(ti.Label, " \x00")
		if ti.Flags&pkcs11.CKF_TOKEN_INITIALIZED != 0 {
			labels = append(labels, fmt.Sprintf("%q", label))
		}
		if u.SlotID != nil && uint(*u.SlotID) != s ||
			u.Token != "" && u.Token != label ||
			u.Serial != "" && u.Serial != strings.TrimRight(ti.SerialNumber, " \x00") {
			continue
		}
		ti.Label = label
		found, info = append(found, s), ti
	}
	switch len(found) {
	case 1:
		return found[0], info, nil
	case 0:
		have := "none is initialised"
		if len(labels) > 0 {
			have = "initialised tokens: " + strings.Join(labels, ", ")
		}
		return 0, info, fmt.Errorf("no token of %s matches %s (%s)", u.ModulePath, u.Redacted(), have)
	}
	return 0, info, fmt.Errorf("%d tokens of %s match %s: name one with serial= or slot-id=", len(found), u.ModulePath, u.Redacted())
}

// Close logs nothing out (other sessions of the process may share the login)
// but ends the session, and finalises the module when it was the last user.
func (t *Token) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	err := t.mod.ctx.CloseSession(t.sh)
	sessions.Add(-1)
	return errors.Join(err, t.mod.release())
}

// do runs f on the session, one operation at a time.
func (t *Token) do(f func(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return errors.New("the PKCS#11 token session is closed")
	}
	return f(t.mod.ctx, t.sh)
}

// describe names the token for messages: label, manufacturer and model.
func (t *Token) describe() string {
	clean := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "\x00", " ")), " ") }
	return fmt.Sprintf("token %q (%s %s)", t.info.Label, clean(t.info.ManufacturerID), clean(t.info.Model))
}
