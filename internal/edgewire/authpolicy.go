package edgewire

// The rules of an auth policy, as the Edge API carries them in
// /auth-policies bodies. The client sends and reads them and controllersrv
// stores them, so both use these types and cannot drift apart.

// AuthPolicyPrimary are the rules of each primary authentication method.
type AuthPolicyPrimary struct {
	Cert   AuthPolicyCert   `json:"cert"`
	ExtJWT AuthPolicyExtJWT `json:"extJwt"`
	Updb   AuthPolicyUpdb   `json:"updb"`
}

// AuthPolicyCert rules method=cert.
type AuthPolicyCert struct {
	Allowed           bool `json:"allowed"`
	AllowExpiredCerts bool `json:"allowExpiredCerts"`
}

// AuthPolicyExtJWT rules method=ext-jwt; AllowedSigners are external JWT
// signer ids, and an empty list allows every enabled signer.
type AuthPolicyExtJWT struct {
	Allowed        bool     `json:"allowed"`
	AllowedSigners []string `json:"allowedSigners"`
}

// AuthPolicyUpdb rules method=password and the passwords set at updb
// enrollment. MaxAttempts 0 never locks; LockoutDurationMinutes 0 locks
// until an admin enables the identity.
type AuthPolicyUpdb struct {
	Allowed                bool  `json:"allowed"`
	MaxAttempts            int64 `json:"maxAttempts"`
	LockoutDurationMinutes int64 `json:"lockoutDurationMinutes"`
	MinPasswordLength      int64 `json:"minPasswordLength"`
	RequireMixedCase       bool  `json:"requireMixedCase"`
	RequireNumberChar      bool  `json:"requireNumberChar"`
	RequireSpecialChar     bool  `json:"requireSpecialChar"`
}

// AuthPolicySecondary are the factors a policy requires after the primary
// method. RequireExtJWTSigner is sent as null when nil, as the API asks.
type AuthPolicySecondary struct {
	RequireTotp         bool    `json:"requireTotp"`
	RequireExtJWTSigner *string `json:"requireExtJwtSigner"`
}
