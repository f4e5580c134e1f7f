// Package pki builds the certificate tree of an OpenZiti-style network:
// keys, root and intermediate CAs, server and client leaves, chains and
// bundles, fingerprints, and the on-disk layout that `ziti pki` writes.
//
// It is pure Go with no Terraform or controller types, so the provider,
// controllersrv and the enrollment client share one implementation.
package pki
