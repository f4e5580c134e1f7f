//go:build cgo

package pkcs11key

import (
	"fmt"
	"strings"

	"github.com/miekg/pkcs11"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// UnsupportedAlgorithmError reports a key algorithm the token cannot
// generate or use, with the ones it can.
type UnsupportedAlgorithmError struct {
	Token     string
	Algorithm pki.KeyAlgorithm
	Reason    string
	Offered   []pki.KeyAlgorithm
}

func (e *UnsupportedAlgorithmError) Error() string {
	offer := "none of " + joinAlgs(pki.KeyAlgorithms)
	if len(e.Offered) > 0 {
		offer = joinAlgs(e.Offered)
	}
	return fmt.Sprintf("%s cannot make %s keys: %s. It offers %s", e.Token, e.Algorithm, e.Reason, offer)
}

func joinAlgs(algs []pki.KeyAlgorithm) string {
	s := make([]string, len(algs))
	for i, a := range algs {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// algorithmBits is the key size PKCS#11 mechanism information measures for
// each algorithm: the modulus for RSA, the field size for EC.
func algorithmBits(alg pki.KeyAlgorithm) (rsa bool, bits uint) {
	switch alg {
	case pki.ECP256:
		return false, 256
	case pki.ECP384:
		return false, 384
	case pki.ECP521:
		return false, 521
	case pki.RSA2048:
		return true, 2048
	case pki.RSA3072:
		return true, 3072
	case pki.RSA4096:
		return true, 4096
	}
	return false, 0
}

// Offered lists the key algorithms the token can generate and sign with,
// asked with C_GetMechanismList and C_GetMechanismInfo.
func (t *Token) Offered() ([]pki.KeyAlgorithm, error) {
	var out []pki.KeyAlgorithm
	for _, a := range pki.KeyAlgorithms {
		reason, err := t.lacks(a)
		if err != nil {
			return nil, err
		}
		if reason == "" {
			out = append(out, a)
		}
	}
	return out, nil
}

// Supports reports, without changing anything on the token, whether it can
// generate a key pair of alg and sign the way TLS and CSRs need: ECDSA for
// EC keys; PKCS #1 v1.5 and PSS (TLS 1.3) for RSA keys. A refusal is an
// *UnsupportedAlgorithmError listing what the token offers.
func (t *Token) Supports(alg pki.KeyAlgorithm) error {
	reason, err := t.lacks(alg)
	if err != nil || reason == "" {
		return err
	}
	offered, err := t.Offered()
	if err != nil {
		return err
	}
	return &UnsupportedAlgorithmError{Token: t.describe(), Algorithm: alg, Reason: reason, Offered: offered}
}

// mechanism is one PKCS#11 mechanism an algorithm needs, and the flag it
// must carry.
type mechanism struct {
	mech uint
	name string
	flag uint
}

var (
	ecMechanisms = []mechanism{
		{pkcs11.CKM_EC_KEY_PAIR_GEN, "EC key pair generation (CKM_EC_KEY_PAIR_GEN)", pkcs11.CKF_GENERATE_KEY_PAIR},
		{pkcs11.CKM_ECDSA, "ECDSA signing (CKM_ECDSA)", pkcs11.CKF_SIGN},
	}
	rsaMechanisms = []mechanism{
		{pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN, "RSA key pair generation (CKM_RSA_PKCS_KEY_PAIR_GEN)", pkcs11.CKF_GENERATE_KEY_PAIR},
		{pkcs11.CKM_RSA_PKCS, "RSA PKCS #1 v1.5 signing (CKM_RSA_PKCS)", pkcs11.CKF_SIGN},
		{pkcs11.CKM_RSA_PKCS_PSS, "RSA-PSS signing (CKM_RSA_PKCS_PSS), which TLS 1.3 client authentication needs", pkcs11.CKF_SIGN},
	}
)

// lacks returns why the token cannot do alg, or "" when it can.
func (t *Token) lacks(alg pki.KeyAlgorithm) (string, error) {
	isRSA, bits := algorithmBits(alg)
	if bits == 0 {
		return "", fmt.Errorf("unsupported key algorithm %q: use one of %s", alg, joinAlgs(pki.KeyAlgorithms))
	}
	infos, err := t.mechanisms()
	if err != nil {
		return "", err
	}
	needs := ecMechanisms
	if isRSA {
		needs = rsaMechanisms
	}
	for _, n := range needs {
		info, ok := infos[n.mech]
		switch {
		case !ok:
			return "it has no " + n.name, nil
		case info.Flags&n.flag == 0:
			return "it does not allow " + n.name, nil
		}
		lo, hi := info.MinKeySize, info.MaxKeySize
		if !isRSA && hi > 0 && hi <= 66 {
			// Some tokens give EC sizes in bytes (PKCS#11 2.20 left the
			// unit open).
			lo, hi = lo*8, hi*8
		}
		if hi > 0 && (bits < lo || bits > hi) {
			return fmt.Sprintf("its %s is limited to %d..%d bits", n.name, lo, hi), nil
		}
	}
	if trustAnnounced {
		return "", nil
	}
	return knownBroken(t.mod.info, alg), nil
}

// trustAnnounced lets a test bypass knownBroken to prove that the signature
// check after generation removes a key the token cannot use.
var trustAnnounced bool

// knownBroken names key types a module announces but cannot use, measured
// on real tokens. Later versions of these modules get the benefit of the
// doubt; the signature check after generation still catches them.
func knownBroken(m pkcs11.Info, alg pki.KeyAlgorithm) string {
	if m.ManufacturerID == "tpm2-software.github.io" && alg == pki.ECP521 &&
		(m.LibraryVersion.Major < 1 || m.LibraryVersion.Major == 1 && m.LibraryVersion.Minor <= 9) {
		return fmt.Sprintf("tpm2-pkcs11 %d.%d writes the length of a P-521 point wrongly (a one-byte length for its 133 bytes) "+
			"and then cannot read it back itself, so it fails to sign with such keys", m.LibraryVersion.Major, m.LibraryVersion.Minor)
	}
	return ""
}

// mechanisms asks the token once for the mechanisms the key algorithms need.
func (t *Token) mechanisms() (map[uint]pkcs11.MechanismInfo, error) {
	if t.mechs != nil {
		return t.mechs, nil
	}
	infos := map[uint]pkcs11.MechanismInfo{}
	err := t.do(func(ctx *pkcs11.Ctx, _ pkcs11.SessionHandle) error {
		list, err := ctx.GetMechanismList(t.slot)
		if err != nil {
			return err
		}
		want := map[uint]bool{}
		for _, m := range append(append([]mechanism{}, ecMechanisms...), rsaMechanisms...) {
			want[m.mech] = true
		}
		for _, m := range list {
			if !want[m.Mechanism] {
				continue
			}
			info, err := ctx.GetMechanismInfo(t.slot, []*pkcs11.Mechanism{pkcs11.NewMechanism(m.Mechanism, nil)})
			if err != nil {
				return err
			}
			infos[m.Mechanism] = info
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("asking %s for its mechanisms: %w", t.describe(), err)
	}
	t.mechs = infos
	return infos, nil
}
