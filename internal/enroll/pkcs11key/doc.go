// Package pkcs11key keeps enrollment keys on a PKCS#11 token (an HSM, a TPM
// through tpm2-pkcs11, SoftHSM) through the PKCS#11 API itself
// (miekg/pkcs11). It asks the token which key types it supports before
// generating, removes what a failed generation left, and releases every
// session it opens: a key is closed when its user is done, and the module is
// finalised with its last key, so a TPM reached without a resource manager
// keeps nothing loaded. It needs cgo, so only the controllersrv binary
// imports it; the provider stays CGO-free. Built without cgo, the package
// reports PKCS#11 as unavailable.
package pkcs11key
