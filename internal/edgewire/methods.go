package edgewire

// Enrollment methods: the `method` of /enrollments and of the client API's
// /enroll, and the `em` claim of an enrollment JWT.
const (
	// MethodOTT is a one-time token: the device sends a CSR for its own key.
	MethodOTT = "ott"
	// MethodOTTCA is a one-time token used with a certificate of a
	// verified third-party CA, presented on the TLS connection.
	MethodOTTCA = "ottca"
	// MethodUPDB sets a username and password.
	MethodUPDB = "updb"
	// MethodEROTT is an edge router's one-time token.
	MethodEROTT = "erott"
	// MethodCA is auto-enrollment with a third-party CA's certificate, no
	// token.
	MethodCA = "ca"
)
