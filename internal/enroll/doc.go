// Package enroll is the OpenZiti enrollment client: it takes an enrollment
// JWT, proves that the controller at the token's issuer signed it (with the
// certificate presented on the TLS connection, never with anything the token
// itself carries), fetches and pins the controller's CA bundle over that
// connection, makes or loads a key, sends the CSR and writes an OpenZiti
// identity file. It also extends enrolled certificates.
//
// The package is CGO-free; PKCS#11 keys come from the pkcs11key subpackage,
// which only the controllersrv binary links.
package enroll
