//go:build cgo

package pkcs11key

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/miekg/pkcs11"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Key is a key pair on an open token. It is a crypto.Signer whose private
// half never leaves the token. Close ends the token session the key came
// with (keys from LoadOrCreate and Resolve own theirs).
type Key struct {
	tok    *Token
	id     []byte // CKA_ID and CKA_LABEL, to find the pair again
	label  []byte
	priv   pkcs11.ObjectHandle
	pub    *pkcs11.ObjectHandle // nil when the token keeps no public key object
	public crypto.PublicKey
	owns   bool // Close closes tok
}

// Public returns the public key read from the token.
func (k *Key) Public() crypto.PublicKey { return k.public }

// Close releases the token session if the key owns it.
func (k *Key) Close() error {
	if !k.owns {
		return nil
	}
	return k.tok.Close()
}

// Delete removes the key pair from the token and closes the key.
func (k *Key) Delete() error { return k.tok.removeKeyPair(k.id, k.label) }

// removeKeyPair ends the session and then destroys the key pair with the
// given id and label from a new one. tpm2-pkcs11 1.9 keeps a destroyed key
// loaded in the TPM if the session had signed with it (measured: two
// transient objects stay until the TPM resets); ending the session first
// finalises the module, which flushes what it loaded, and the new session
// never loads the key. The PIN sent again is the one just accepted.
func (t *Token) removeKeyPair(id, label []byte) error {
	if err := t.Close(); err != nil {
		return err
	}
	fresh, err := Open(t.URI)
	if err != nil {
		return fmt.Errorf("reopening the token to remove the key pair: %w", err)
	}
	err = fresh.do(func(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle) error {
		var errs []error
		for _, class := range []uint{pkcs11.CKO_PRIVATE_KEY, pkcs11.CKO_PUBLIC_KEY} {
			hs, err := findObjects(ctx, sh, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, class),
				pkcs11.NewAttribute(pkcs11.CKA_ID, id), pkcs11.NewAttribute(pkcs11.CKA_LABEL, label)})
			errs = append(errs, err)
			for _, h := range hs {
				errs = append(errs, ctx.DestroyObject(sh, h))
			}
		}
		return errors.Join(errs...)
	})
	if err != nil {
		err = fmt.Errorf("removing the key pair from %s: %w", fresh.describe(), err)
	}
	return errors.Join(err, fresh.Close())
}

// destroy removes a key pair the session has not used (so nothing of it is
// loaded).
func destroy(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle, priv, pub pkcs11.ObjectHandle) error {
	if err := errors.Join(ctx.DestroyObject(sh, priv), ctx.DestroyObject(sh, pub)); err != nil {
		return fmt.Errorf("removing the key pair from the token: %w", err)
	}
	return nil
}

// Protection reports the private key's CKA_SENSITIVE and CKA_EXTRACTABLE.
func (k *Key) Protection() (sensitive, extractable bool, err error) {
	var attrs []*pkcs11.Attribute
	err = k.tok.do(func(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle) (err error) {
		attrs, err = ctx.GetAttributeValue(sh, k.priv, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, nil), pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, nil)})
		return err
	})
	if err != nil {
		return false, false, err
	}
	b := func(a *pkcs11.Attribute) bool { return len(a.Value) == 1 && a.Value[0] == 1 }
	return b(attrs[0]), b(attrs[1]), nil
}

// Sign signs a digest on the token: ECDSA for EC keys (returned in the
// ASN.1 form Go and X.509 use), PKCS #1 v1.5 or, given *rsa.PSSOptions, PSS
// for RSA keys.
func (k *Key) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	var (
		mech *pkcs11.Mechanism
		data = digest
	)
	switch pub := k.public.(type) {
	case *ecdsa.PublicKey:
		mech = pkcs11.NewMechanism(pkcs11.CKM_ECDSA, nil)
	case *rsa.PublicKey:
		if pss, ok := opts.(*rsa.PSSOptions); ok {
			params, err := pssParams(pss, pub)
			if err != nil {
				return nil, err
			}
			mech = pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS_PSS, params)
			break
		}
		prefix, ok := digestInfoPrefix[opts.HashFunc()]
		if !ok {
			return nil, fmt.Errorf("RSA PKCS #1 v1.5 signing with %v is not supported", opts.HashFunc())
		}
		data = append(append([]byte{}, prefix...), digest...)
		mech = pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS, nil)
	default:
		return nil, fmt.Errorf("unsupported token key type %T", k.public)
	}
	var sig []byte
	err := k.tok.do(func(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle) error {
		if err := ctx.SignInit(sh, []*pkcs11.Mechanism{mech}, k.priv); err != nil {
			return err
		}
		var err error
		sig, err = ctx.Sign(sh, data)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("signing on %s: %w", k.tok.describe(), err)
	}
	if _, ok := k.public.(*ecdsa.PublicKey); ok {
		return ecdsaASN1(sig)
	}
	return sig, nil
}

// ecdsaASN1 turns PKCS#11's r||s into the ASN.1 SEQUENCE of two INTEGERs.
func ecdsaASN1(sig []byte) ([]byte, error) {
	if len(sig) == 0 || len(sig)%2 != 0 {
		return nil, fmt.Errorf("the token returned a %d-byte ECDSA signature", len(sig))
	}
	h := len(sig) / 2
	return asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:h]), new(big.Int).SetBytes(sig[h:])})
}

var digestInfoPrefix = map[crypto.Hash][]byte{
	crypto.Hash(0): {}, // the caller hashed and wrapped already
	crypto.SHA1:    {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
	crypto.SHA256:  {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384:  {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512:  {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
}

var pssHashes = map[crypto.Hash][2]uint{
	crypto.SHA256: {pkcs11.CKM_SHA256, pkcs11.CKG_MGF1_SHA256},
	crypto.SHA384: {pkcs11.CKM_SHA384, pkcs11.CKG_MGF1_SHA384},
	crypto.SHA512: {pkcs11.CKM_SHA512, pkcs11.CKG_MGF1_SHA512},
}

// pssParams builds CK_RSA_PKCS_PSS_PARAMS. TLS asks for a salt as long as
// the hash; "auto" gets the same, which every verifier accepts.
func pssParams(o *rsa.PSSOptions, pub *rsa.PublicKey) ([]byte, error) {
	h, ok := pssHashes[o.Hash]
	if !ok {
		return nil, fmt.Errorf("RSA-PSS with %v is not supported", o.Hash)
	}
	salt := o.SaltLength
	switch salt {
	case rsa.PSSSaltLengthEqualsHash, rsa.PSSSaltLengthAuto:
		salt = o.Hash.Size()
	}
	if salt < 0 || salt > (pub.N.BitLen()+7)/8-o.Hash.Size()-2 {
		return nil, fmt.Errorf("RSA-PSS salt length %d does not fit the key", o.SaltLength)
	}
	return pkcs11.NewPSSParams(h[0], h[1], uint(salt)), nil
}

// readPublic reads the public key from a public key object, or for RSA from
// the private key object, whose modulus and exponent are public.
func readPublic(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle, h pkcs11.ObjectHandle, keyType uint) (crypto.PublicKey, error) {
	switch keyType {
	case pkcs11.CKK_RSA:
		a, err := ctx.GetAttributeValue(sh, h, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_MODULUS, nil), pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, nil)})
		if err != nil {
			return nil, fmt.Errorf("reading the RSA public key: %w", err)
		}
		e := new(big.Int).SetBytes(a[1].Value)
		if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 {
			return nil, errors.New("the RSA public exponent is out of range")
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(a[0].Value), E: int(e.Int64())}, nil
	case pkcs11.CKK_EC:
		a, err := ctx.GetAttributeValue(sh, h, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, nil), pkcs11.NewAttribute(pkcs11.CKA_EC_POINT, nil)})
		if err != nil {
			return nil, fmt.Errorf("reading the EC public key: %w", err)
		}
		c, err := parseECParams(a[0].Value)
		if err != nil {
			return nil, err
		}
		return parseECPoint(a[1].Value, c)
	}
	return nil, fmt.Errorf("unsupported key type 0x%x on the token: use an EC or RSA key", keyType)
}

// generate makes a key pair of alg with the given id and label. The private
// key is made on the token, CKA_SENSITIVE, never CKA_EXTRACTABLE and
// CKA_TOKEN (persistent). Whatever was created is removed again if the
// public key cannot be read back or is not what was asked for.
func (t *Token) generate(alg pki.KeyAlgorithm, id, label []byte) (*Key, error) {
	if err := t.Supports(alg); err != nil {
		return nil, err
	}
	isRSA, bits := algorithmBits(alg)
	pubT := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PUBLIC_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true),
		pkcs11.NewAttribute(pkcs11.CKA_ID, id),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
	}
	privT := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, false),
		pkcs11.NewAttribute(pkcs11.CKA_ID, id),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
	}
	var (
		mech    uint
		keyType uint
	)
	if isRSA {
		mech, keyType = pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN, pkcs11.CKK_RSA
		pubT = append(pubT, pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, keyType),
			pkcs11.NewAttribute(pkcs11.CKA_MODULUS_BITS, bits),
			pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, []byte{1, 0, 1}))
	} else {
		var curve elliptic.Curve
		switch alg {
		case pki.ECP256:
			curve = elliptic.P256()
		case pki.ECP384:
			curve = elliptic.P384()
		default:
			curve = elliptic.P521()
		}
		oid, _ := curveOID(curve)
		params, err := asn1.Marshal(oid)
		if err != nil {
			return nil, err
		}
		mech, keyType = pkcs11.CKM_EC_KEY_PAIR_GEN, pkcs11.CKK_EC
		pubT = append(pubT, pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, keyType), pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, params))
	}
	privT = append(privT, pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, keyType))

	k := &Key{tok: t, id: id, label: label}
	err := t.do(func(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle) error {
		pub, priv, err := ctx.GenerateKeyPair(sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(mech, nil)}, pubT, privT)
		if err != nil {
			return fmt.Errorf("generating a %s key pair on %s: %w", alg, t.describe(), err)
		}
		k.priv, k.pub = priv, &pub
		k.public, err = readPublic(ctx, sh, pub, keyType)
		if err == nil {
			var got pki.KeyAlgorithm
			if got, err = pki.AlgorithmOf(k.public); err == nil && got != alg {
				err = fmt.Errorf("the token made a %s key instead", got)
			}
		}
		if err != nil {
			return errors.Join(fmt.Errorf("the %s key pair %s generated cannot be used, so it was removed again: %w", alg, t.describe(), err),
				destroy(ctx, sh, priv, pub))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := k.selfTest(); err != nil {
		// This ends the caller's session on t as well.
		return nil, errors.Join(fmt.Errorf("the %s key pair %s generated does not sign correctly, so it was removed again: %w", alg, t.describe(), err),
			t.removeKeyPair(id, label))
	}
	return k, nil
}

// selfTest signs as CSRs and TLS will, and verifies the signatures with the
// public key read back: a token that announces a key type it cannot use is
// caught before its key goes into a certificate request.
func (k *Key) selfTest() error {
	digest := sha256.Sum256([]byte("zitiform token key check"))
	switch pub := k.public.(type) {
	case *ecdsa.PublicKey:
		sig, err := k.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			return err
		}
		if !ecdsa.VerifyASN1(pub, digest[:], sig) {
			return errors.New("an ECDSA signature made on the token does not verify")
		}
	case *rsa.PublicKey:
		sig, err := k.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			return err
		}
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
			return fmt.Errorf("a PKCS #1 v1.5 signature made on the token does not verify: %w", err)
		}
		pss := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
		if sig, err = k.Sign(rand.Reader, digest[:], pss); err != nil {
			return err
		}
		if err := rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, pss); err != nil {
			return fmt.Errorf("a PSS signature made on the token does not verify: %w", err)
		}
	}
	return nil
}

// find returns the key pair with the given id and/or label, or nil.
func (t *Token) find(id, label []byte) (*Key, error) {
	tmpl := []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY)}
	if len(id) > 0 {
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_ID, id))
	}
	if len(label) > 0 {
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_LABEL, label))
	}
	var k *Key
	err := t.do(func(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle) error {
		privs, err := findObjects(ctx, sh, tmpl)
		if err != nil {
			return err
		}
		switch len(privs) {
		case 0:
			return nil
		case 1:
		default:
			return fmt.Errorf("%d private keys on the token match: add id= or a more specific object= so exactly one matches", len(privs))
		}
		a, err := ctx.GetAttributeValue(sh, privs[0], []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, nil), pkcs11.NewAttribute(pkcs11.CKA_ID, nil), pkcs11.NewAttribute(pkcs11.CKA_LABEL, nil)})
		if err != nil {
			return fmt.Errorf("reading the private key's attributes: %w", err)
		}
		keyType := attrUint(a[0].Value)
		// The public half is the public key object with the private key's
		// CKA_ID (or, without one, its label).
		pt := []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PUBLIC_KEY)}
		if len(a[1].Value) > 0 {
			pt = append(pt, pkcs11.NewAttribute(pkcs11.CKA_ID, a[1].Value))
		} else {
			pt = append(pt, pkcs11.NewAttribute(pkcs11.CKA_LABEL, a[2].Value))
		}
		pubs, err := findObjects(ctx, sh, pt)
		if err != nil {
			return err
		}
		k = &Key{tok: t, id: a[1].Value, label: a[2].Value, priv: privs[0]}
		src := privs[0]
		switch {
		case len(pubs) == 1:
			k.pub, src = &pubs[0], pubs[0]
		case keyType != pkcs11.CKK_RSA:
			return fmt.Errorf("the private key has %d matching public key objects on the token; exactly one is needed to read its public key", len(pubs))
		}
		k.public, err = readPublic(ctx, sh, src, keyType)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the key %s on %s: %w", t.URI.Redacted(), t.describe(), err)
	}
	return k, nil
}

func findObjects(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle, tmpl []*pkcs11.Attribute) (hs []pkcs11.ObjectHandle, err error) {
	if err := ctx.FindObjectsInit(sh, tmpl); err != nil {
		return nil, fmt.Errorf("searching the token: %w", err)
	}
	defer func() {
		if ferr := ctx.FindObjectsFinal(sh); ferr != nil && err == nil {
			err = fmt.Errorf("searching the token: %w", ferr)
		}
	}()
	for {
		batch, _, err := ctx.FindObjects(sh, 16)
		if err != nil {
			return nil, fmt.Errorf("searching the token: %w", err)
		}
		if len(batch) == 0 {
			return hs, nil
		}
		hs = append(hs, batch...)
	}
}

// attrUint decodes a CK_ULONG attribute value (native byte order and size).
func attrUint(b []byte) uint {
	switch len(b) {
	case 8:
		return uint(binary.NativeEndian.Uint64(b))
	case 4:
		return uint(binary.NativeEndian.Uint32(b))
	}
	return ^uint(0)
}

// randomID makes a CKA_ID for a new key.
func randomID() ([]byte, error) {
	id := make([]byte, 8)
	_, err := rand.Read(id)
	return id, err
}
