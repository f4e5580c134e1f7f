// Package edgewire holds what the Edge API's clients (internal/edgeapi, the
// enrollment client internal/enroll) and the reference controller
// (controllersrv) must agree on byte for byte: the error envelope, the EST
// CA store encoding, the enrollment method names and the built-in config
// types with their schemas. One definition each,
// so the two sides cannot drift apart.
package edgewire
