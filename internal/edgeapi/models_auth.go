package edgeapi

import "github.com/zitiform/terraform-provider-ziti/internal/edgewire"

// Who may authenticate and how: posture checks (what a client device must
// report before it may use a service), auth policies (which primary and
// secondary authentication methods an identity may use) and external JWT
// signers (issuers whose tokens identities log in with).

// PostureCheckType is a posture check's typeId, the discriminator of
// /posture-checks: it says which of PostureCheckFields apply.
type PostureCheckType string

// The posture check types, as the Edge API names them.
const (
	PostureCheckDomain       PostureCheckType = "DOMAIN"
	PostureCheckMAC          PostureCheckType = "MAC"
	PostureCheckMFA          PostureCheckType = "MFA"
	PostureCheckOS           PostureCheckType = "OS"
	PostureCheckProcess      PostureCheckType = "PROCESS"
	PostureCheckProcessMulti PostureCheckType = "PROCESS_MULTI"
)

// PostureCheckCreate is the body of POST /posture-checks and PUT
// /posture-checks/{id} (a check keeps its typeId).
type PostureCheckCreate struct {
	TypeID         PostureCheckType `json:"typeId"`
	Name           string           `json:"name"`
	RoleAttributes []string         `json:"roleAttributes"`
	Tags           Tags             `json:"tags"`
	PostureCheckFields
}

// PostureCheckDetail is the data of GET /posture-checks/{id}, of any type.
type PostureCheckDetail struct {
	BaseEntity
	TypeID         PostureCheckType `json:"typeId"`
	Name           string           `json:"name"`
	RoleAttributes []string         `json:"roleAttributes"`
	Version        int64            `json:"version"`
	PostureCheckFields
}

// PostureCheckFields are the fields of every posture check type; a check
// has those of its typeId, the rest are left out. The controller reads an
// absent boolean or number as false or 0, so zero values are not sent.
type PostureCheckFields struct {
	// DOMAIN: Windows domains.
	Domains []string `json:"domains,omitempty"`
	// MAC: MAC addresses, 12 lower-case hex digits as the controller
	// stores them.
	MacAddresses []string `json:"macAddresses,omitempty"`
	// OS: operating systems and their version ranges.
	OperatingSystems []OperatingSystem `json:"operatingSystems,omitempty"`
	// PROCESS: one process.
	Process *PostureProcess `json:"process,omitempty"`
	// PROCESS_MULTI: AllOf or AnyOf the processes.
	Semantic  string           `json:"semantic,omitempty"`
	Processes []PostureProcess `json:"processes,omitempty"`
	// MFA: seconds an MFA stays valid (-1: no timeout) and when to ask
	// again.
	TimeoutSeconds        int64 `json:"timeoutSeconds,omitempty"`
	PromptOnWake          bool  `json:"promptOnWake,omitempty"`
	PromptOnUnlock        bool  `json:"promptOnUnlock,omitempty"`
	IgnoreLegacyEndpoints bool  `json:"ignoreLegacyEndpoints,omitempty"`
}

// OperatingSystem is an OS posture check's operating system (Windows,
// WindowsServer, Android, iOS, Linux, macOS) and version ranges.
type OperatingSystem struct {
	Type     string   `json:"type"`
	Versions []string `json:"versions"`
}

// PostureProcess is a process of a PROCESS check (SignerFingerprint) or a
// PROCESS_MULTI check (SignerFingerprints).
type PostureProcess struct {
	OsType             string   `json:"osType"`
	Path               string   `json:"path"`
	Hashes             []string `json:"hashes,omitempty"`
	SignerFingerprint  string   `json:"signerFingerprint,omitempty"`
	SignerFingerprints []string `json:"signerFingerprints,omitempty"`
}

// AuthPolicyCreate is the body of POST /auth-policies and PUT
// /auth-policies/{id}: every field is required.
type AuthPolicyCreate struct {
	Name      string              `json:"name"`
	Primary   AuthPolicyPrimary   `json:"primary"`
	Secondary AuthPolicySecondary `json:"secondary"`
	Tags      Tags                `json:"tags"`
}

// AuthPolicyDetail is the data of GET /auth-policies/{id}.
type AuthPolicyDetail struct {
	BaseEntity
	Name      string              `json:"name"`
	Primary   AuthPolicyPrimary   `json:"primary"`
	Secondary AuthPolicySecondary `json:"secondary"`
}

// The rules of an auth policy are the wire types of internal/edgewire,
// shared with controllersrv.
type (
	AuthPolicyPrimary   = edgewire.AuthPolicyPrimary
	AuthPolicyCert      = edgewire.AuthPolicyCert
	AuthPolicyExtJWT    = edgewire.AuthPolicyExtJWT
	AuthPolicyUpdb      = edgewire.AuthPolicyUpdb
	AuthPolicySecondary = edgewire.AuthPolicySecondary
)

// ExternalJWTSignerCreate is the body of POST /external-jwt-signers and PUT
// /external-jwt-signers/{id}. Exactly one of CertPEM and JwksEndpoint is
// set.
type ExternalJWTSignerCreate struct {
	Name            string   `json:"name"`
	Issuer          string   `json:"issuer"`
	Audience        string   `json:"audience"`
	CertPEM         *string  `json:"certPem"`
	JwksEndpoint    *string  `json:"jwksEndpoint"`
	Kid             *string  `json:"kid"`
	ClaimsProperty  *string  `json:"claimsProperty"`
	UseExternalID   bool     `json:"useExternalId"`
	Enabled         bool     `json:"enabled"`
	ExternalAuthURL *string  `json:"externalAuthUrl"`
	ClientID        *string  `json:"clientId"`
	Scopes          []string `json:"scopes"`
	TargetToken     string   `json:"targetToken,omitempty"`
	Tags            Tags     `json:"tags"`
}

// ExternalJWTSignerDetail is the data of GET /external-jwt-signers/{id}.
type ExternalJWTSignerDetail struct {
	BaseEntity
	Name            string   `json:"name"`
	Issuer          *string  `json:"issuer"`
	Audience        *string  `json:"audience"`
	CertPEM         *string  `json:"certPem"`
	JwksEndpoint    *string  `json:"jwksEndpoint"`
	Kid             *string  `json:"kid"`
	ClaimsProperty  *string  `json:"claimsProperty"`
	UseExternalID   bool     `json:"useExternalId"`
	Enabled         bool     `json:"enabled"`
	ExternalAuthURL *string  `json:"externalAuthUrl"`
	ClientID        *string  `json:"clientId"`
	Scopes          []string `json:"scopes"`
	TargetToken     string   `json:"targetToken"`
	Fingerprint     *string  `json:"fingerprint"`
}

// The collections of posture checks, auth policies and external JWT
// signers.
var (
	PostureChecks      = Collection[PostureCheckDetail]{Name: "posture-checks"}
	AuthPolicies       = Collection[AuthPolicyDetail]{Name: "auth-policies"}
	ExternalJWTSigners = Collection[ExternalJWTSignerDetail]{Name: "external-jwt-signers"}
)
