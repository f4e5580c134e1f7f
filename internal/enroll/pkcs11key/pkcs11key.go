//go:build cgo

package pkcs11key

import (
	"crypto"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"

	"github.com/ThalesGroup/crypto11"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Available reports whether this build supports PKCS#11 (it needs cgo).
const Available = true

// Token is an open session to one token.
type Token struct {
	URI *enroll.PKCS11URI
	ctx *crypto11.Context
}

// Open logs in to the token the URI names.
func Open(u *enroll.PKCS11URI) (*Token, error) {
	pin, err := u.Pin()
	if err != nil {
		return nil, err
	}
	cfg := &crypto11.Config{Path: u.ModulePath, TokenLabel: u.Token, TokenSerial: u.Serial, SlotNumber: u.SlotID, Pin: pin}
	if pin == "" {
		cfg.LoginNotSupported = true
	}
	ctx, err := crypto11.Configure(cfg)
	if err != nil {
		// crypto11 errors name the module and token, never the PIN.
		return nil, fmt.Errorf("opening PKCS#11 token (%s): %w", u.Redacted(), err)
	}
	return &Token{URI: u, ctx: ctx}, nil
}

// Close ends the session.
func (t *Token) Close() error { return t.ctx.Close() }

func (t *Token) labels() (id, label []byte) {
	if len(t.URI.ID) > 0 {
		id = t.URI.ID
	}
	if t.URI.Object != "" {
		label = []byte(t.URI.Object)
	}
	return id, label
}

// Find returns the key pair the URI names, or nil if there is none.
func (t *Token) Find() (crypto11.Signer, error) {
	id, label := t.labels()
	keys, err := t.ctx.FindKeyPairs(id, label)
	if err != nil {
		return nil, fmt.Errorf("searching the token for the key (%s): %w", t.URI.Redacted(), err)
	}
	switch len(keys) {
	case 0:
		return nil, nil
	case 1:
		return keys[0], nil
	}
	return nil, fmt.Errorf("%d keys on the token match %s: add id= or a more specific object= so exactly one matches", len(keys), t.URI.Redacted())
}

// Generate makes a new key pair on the token. crypto11 marks the private key
// CKA_SENSITIVE=true, CKA_EXTRACTABLE=false and CKA_TOKEN=true: it is made
// on the token and never leaves it. Missing id or label are filled in so the
// key can be found again by either; the URI is updated accordingly.
func (t *Token) Generate(alg pki.KeyAlgorithm) (crypto11.Signer, error) {
	id, label := t.labels()
	if len(id) == 0 {
		id = make([]byte, 8)
		if _, err := rand.Read(id); err != nil {
			return nil, err
		}
		t.URI.ID = id
	}
	if len(label) == 0 {
		label = []byte(fmt.Sprintf("ziti-%x", id))
		t.URI.Object = string(label)
	}
	var (
		s   crypto11.Signer
		err error
	)
	switch alg {
	case pki.ECP256, "":
		s, err = t.ctx.GenerateECDSAKeyPairWithLabel(id, label, elliptic.P256())
	case pki.ECP384:
		s, err = t.ctx.GenerateECDSAKeyPairWithLabel(id, label, elliptic.P384())
	case pki.ECP521:
		s, err = t.ctx.GenerateECDSAKeyPairWithLabel(id, label, elliptic.P521())
	case pki.RSA2048:
		s, err = t.ctx.GenerateRSAKeyPairWithLabel(id, label, 2048)
	case pki.RSA3072:
		s, err = t.ctx.GenerateRSAKeyPairWithLabel(id, label, 3072)
	case pki.RSA4096:
		s, err = t.ctx.GenerateRSAKeyPairWithLabel(id, label, 4096)
	default:
		return nil, fmt.Errorf("unsupported key algorithm %q for a token key", alg)
	}
	if err != nil {
		return nil, fmt.Errorf("generating a %s key on the token (%s): %w", alg, t.URI.Redacted(), err)
	}
	return s, nil
}

// Protection reports the private key's CKA_SENSITIVE and CKA_EXTRACTABLE.
func (t *Token) Protection(s crypto11.Signer) (sensitive, extractable bool, err error) {
	attrs, err := t.ctx.GetAttributes(s, []crypto11.AttributeType{crypto11.CkaSensitive, crypto11.CkaExtractable})
	if err != nil {
		return false, false, err
	}
	b := func(a *crypto11.Attribute) bool { return a != nil && len(a.Value) == 1 && a.Value[0] == 1 }
	return b(attrs[crypto11.CkaSensitive]), b(attrs[crypto11.CkaExtractable]), nil
}

// LoadOrCreate opens the token the URI names and returns its key, generating
// a non-extractable one with alg when absent. The returned Key's Ref is the
// URI to put in the identity file. The token stays open for the life of the
// process (the key signs TLS handshakes); created reports a new key.
func LoadOrCreate(ref string, alg pki.KeyAlgorithm) (key *enroll.Key, created bool, warnings []string, err error) {
	u, err := enroll.ParsePKCS11URI(ref)
	if err != nil {
		return nil, false, nil, err
	}
	t, err := openCached(u)
	if err != nil {
		return nil, false, nil, err
	}
	s, err := t.Find()
	if err != nil {
		return nil, false, nil, err
	}
	if s == nil {
		if s, err = t.Generate(alg); err != nil {
			return nil, false, nil, err
		}
		created = true
	} else if sens, extr, perr := t.Protection(s); perr == nil && (!sens || extr) {
		warnings = append(warnings, "the existing token key is extractable or not sensitive: its private key can leave the token")
	}
	if _, err := pki.AlgorithmOf(s.Public()); err != nil {
		return nil, false, nil, fmt.Errorf("the token key: %w", err)
	}
	return &enroll.Key{Signer: s, Ref: u.String()}, created, warnings, nil
}

// Resolve is an enroll.KeyResolver for identity files whose id.key is a
// pkcs11: URI (PEM keys fall through to enroll.PEMKeys).
func Resolve(ref string) (crypto.Signer, error) {
	if !enroll.IsPKCS11(ref) {
		return enroll.PEMKeys(ref)
	}
	u, err := enroll.ParsePKCS11URI(ref)
	if err != nil {
		return nil, err
	}
	t, err := openCached(u)
	if err != nil {
		return nil, err
	}
	s, err := t.Find()
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, fmt.Errorf("no key on the token matches %s", u.Redacted())
	}
	return s, nil
}

// crypto11 sessions are per module and token; one process reuses them.
var (
	mu     sync.Mutex
	opened = map[string]*Token{}
)

func openCached(u *enroll.PKCS11URI) (*Token, error) {
	mu.Lock()
	defer mu.Unlock()
	pin, err := u.Pin()
	if err != nil {
		return nil, err
	}
	slot := -1
	if u.SlotID != nil {
		slot = *u.SlotID
	}
	k := fmt.Sprintf("%s\x00%s\x00%s\x00%d\x00%s", u.ModulePath, u.Token, u.Serial, slot, pin)
	if t, ok := opened[k]; ok {
		cp := *t
		cp.URI = u
		return &cp, nil
	}
	t, err := Open(u)
	if err != nil {
		return nil, err
	}
	opened[k] = t
	return t, nil
}

// CloseAll closes every cached session (tests, process exit).
func CloseAll() error {
	mu.Lock()
	defer mu.Unlock()
	var errs []error
	for k, t := range opened {
		errs = append(errs, t.Close())
		delete(opened, k)
	}
	return errors.Join(errs...)
}
