// Package edgewire holds what the Edge API's clients (internal/edgeapi, the
// enrollment client internal/enroll) and the reference controller
// (controllersrv) must agree on byte for byte: the error envelope, the EST
// CA store encoding and the enrollment method names. One definition each,
// so the two sides cannot drift apart.
package edgewire
