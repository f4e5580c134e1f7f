// Package pkcs11key keeps enrollment keys on a PKCS#11 token (an HSM, a TPM
// through tpm2-pkcs11, SoftHSM) with ThalesGroup/crypto11. It needs cgo, so
// only the controllersrv binary imports it; the provider stays CGO-free.
// Built without cgo, the package reports PKCS#11 as unavailable.
package pkcs11key
