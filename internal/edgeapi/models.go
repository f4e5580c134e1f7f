package edgeapi

import "time"

// The models below mirror the Edge management API swagger
// (management.yml) with its exact JSON field names. Pointer fields are the
// ones the API documents as nullable or optional, so that "unset" and the
// zero value stay distinguishable on the wire.

// Tags are user-defined fields: values are null, string, number or boolean.
type Tags map[string]any

// Link is one entry of an entity's `_links`.
type Link struct {
	Href    string `json:"href"`
	Method  string `json:"method,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// BaseEntity holds the fields every entity detail carries.
type BaseEntity struct {
	ID        string          `json:"id"`
	CreatedAt time.Time       `json:"createdAt"`
	UpdatedAt time.Time       `json:"updatedAt"`
	Links     map[string]Link `json:"_links,omitempty"`
	Tags      Tags            `json:"tags"`
}

// EntityRef is a reference to another entity.
type EntityRef struct {
	ID     string          `json:"id"`
	Name   string          `json:"name"`
	Entity string          `json:"entity,omitempty"`
	Links  map[string]Link `json:"_links,omitempty"`
}

// Pagination is meta.pagination of list responses.
type Pagination struct {
	Limit      int64 `json:"limit"`
	Offset     int64 `json:"offset"`
	TotalCount int64 `json:"totalCount"`
}

// Meta is the `meta` member of every envelope.
type Meta struct {
	APIVersion           string      `json:"apiVersion,omitempty"`
	APIEnrollmentVersion string      `json:"apiEnrollmentVersion,omitempty"`
	Pagination           *Pagination `json:"pagination,omitempty"`
	FilterableFields     []string    `json:"filterableFields,omitempty"`
}

// CreateLocation is the data of a 201 create response.
type CreateLocation struct {
	ID    string          `json:"id"`
	Links map[string]Link `json:"_links,omitempty"`
}

// Version is the controller's /version data.
type Version struct {
	Version        string                               `json:"version"`
	Revision       string                               `json:"revision"`
	BuildDate      string                               `json:"buildDate"`
	RuntimeVersion string                               `json:"runtimeVersion"`
	Capabilities   []string                             `json:"capabilities"`
	APIVersions    map[string]map[string]map[string]any `json:"apiVersions,omitempty"`
}

// APISession is the data of POST /authenticate and GET /current-api-session.
// Token is a secret: never log it.
type APISession struct {
	BaseEntity
	Token             string    `json:"token"`
	Identity          EntityRef `json:"identity"`
	IdentityID        string    `json:"identityId"`
	ExpiresAt         time.Time `json:"expiresAt"`
	ExpirationSeconds int64     `json:"expirationSeconds"`
	IsMfaRequired     bool      `json:"isMfaRequired"`
	IsMfaComplete     bool      `json:"isMfaComplete"`
	IsCertExtendable  bool      `json:"isCertExtendable"`
	AuthenticatorID   string    `json:"authenticatorId"`
}

// Identity types accepted on create and update.
const (
	IdentityTypeDefault = "Default"
	IdentityTypeUser    = "User"
	IdentityTypeDevice  = "Device"
	IdentityTypeService = "Service"
	IdentityTypeRouter  = "Router"
)

// IdentityEnrollmentCreate picks the enrollment created with an identity:
// exactly one of the three.
type IdentityEnrollmentCreate struct {
	Ott   bool   `json:"ott,omitempty"`
	Ottca string `json:"ottca,omitempty"`
	Updb  string `json:"updb,omitempty"`
}

// IdentityCreate is the body of POST /identities; with Enrollment nil, of
// PUT /identities/{id} too (IdentityUpdate).
type IdentityCreate struct {
	Name                     string                    `json:"name"`
	Type                     string                    `json:"type"`
	IsAdmin                  bool                      `json:"isAdmin"`
	Enrollment               *IdentityEnrollmentCreate `json:"enrollment,omitempty"`
	RoleAttributes           *[]string                 `json:"roleAttributes"`
	AuthPolicyID             *string                   `json:"authPolicyId,omitempty"`
	ExternalID               *string                   `json:"externalId"`
	DefaultHostingCost       *int64                    `json:"defaultHostingCost,omitempty"`
	DefaultHostingPrecedence string                    `json:"defaultHostingPrecedence,omitempty"`
	AppData                  Tags                      `json:"appData"`
	Tags                     Tags                      `json:"tags"`
}

// IdentityUpdate is the body of PUT /identities/{id}, a full replace: the
// create body with Enrollment left nil (only a create takes one).
type IdentityUpdate = IdentityCreate

// IdentityEnrollmentDetail is one pending enrollment of an identity. JWT and
// Token are secrets.
type IdentityEnrollmentDetail struct {
	ID        string     `json:"id"`
	JWT       string     `json:"jwt"`
	Token     string     `json:"token"`
	ExpiresAt time.Time  `json:"expiresAt"`
	CAID      string     `json:"caId,omitempty"`
	CA        *EntityRef `json:"ca,omitempty"`
}

// IdentityEnrollments lists an identity's pending enrollments by method.
type IdentityEnrollments struct {
	Ott   *IdentityEnrollmentDetail `json:"ott,omitempty"`
	Ottca *IdentityEnrollmentDetail `json:"ottca,omitempty"`
	Updb  *IdentityEnrollmentDetail `json:"updb,omitempty"`
}

// IdentityAuthenticators are the authenticators an identity has.
type IdentityAuthenticators struct {
	Cert *struct {
		ID          string `json:"id"`
		Fingerprint string `json:"fingerprint"`
	} `json:"cert,omitempty"`
	Updb *struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	} `json:"updb,omitempty"`
}

// IdentityDetail is the data of GET /identities/{id}.
type IdentityDetail struct {
	BaseEntity
	Name                     string                 `json:"name"`
	Type                     EntityRef              `json:"type"`
	TypeID                   string                 `json:"typeId"`
	IsAdmin                  bool                   `json:"isAdmin"`
	IsDefaultAdmin           bool                   `json:"isDefaultAdmin"`
	RoleAttributes           []string               `json:"roleAttributes"`
	AuthPolicyID             string                 `json:"authPolicyId"`
	AuthPolicy               *EntityRef             `json:"authPolicy,omitempty"`
	ExternalID               *string                `json:"externalId"`
	DefaultHostingCost       int64                  `json:"defaultHostingCost"`
	DefaultHostingPrecedence string                 `json:"defaultHostingPrecedence"`
	AppData                  Tags                   `json:"appData"`
	Authenticators           IdentityAuthenticators `json:"authenticators"`
	Enrollment               IdentityEnrollments    `json:"enrollment"`
	Disabled                 bool                   `json:"disabled"`
	HasAPISession            bool                   `json:"hasApiSession"`
}

// TypeName is the identity type's name, whichever way the server sent it.
func (d *IdentityDetail) TypeName() string {
	if d.Type.Name != "" {
		return d.Type.Name
	}
	return d.TypeID
}

// EnrollmentCreate is the body of POST /enrollments.
type EnrollmentCreate struct {
	Method     string    `json:"method"`
	IdentityID string    `json:"identityId"`
	ExpiresAt  time.Time `json:"expiresAt"`
	CAID       *string   `json:"caId,omitempty"`
	Username   *string   `json:"username,omitempty"`
}

// EnrollmentRefresh is the body of POST /enrollments/{id}/refresh.
type EnrollmentRefresh struct {
	ExpiresAt time.Time `json:"expiresAt"`
}

// EnrollmentDetail is the data of GET /enrollments/{id}. JWT and Token are
// secrets.
type EnrollmentDetail struct {
	BaseEntity
	Method       string     `json:"method"`
	IdentityID   string     `json:"identityId"`
	Identity     *EntityRef `json:"identity,omitempty"`
	EdgeRouterID string     `json:"edgeRouterId,omitempty"`
	CAID         *string    `json:"caId"`
	Username     string     `json:"username,omitempty"`
	ExpiresAt    time.Time  `json:"expiresAt"`
	JWT          string     `json:"jwt"`
	Token        string     `json:"token"`
}

// ExternalIDClaim configures how a client certificate is matched to an
// identity's externalId. Every field is nullable.
type ExternalIDClaim struct {
	Location        *string `json:"location"`
	Matcher         *string `json:"matcher"`
	MatcherCriteria *string `json:"matcherCriteria"`
	Parser          *string `json:"parser"`
	ParserCriteria  *string `json:"parserCriteria"`
	Index           *int64  `json:"index"`
}

// Enumerations of ExternalIDClaim.
var (
	ClaimLocations = []string{"COMMON_NAME", "SAN_URI", "SAN_EMAIL"}
	ClaimMatchers  = []string{"ALL", "PREFIX", "SUFFIX", "SCHEME"}
	ClaimParsers   = []string{"NONE", "SPLIT"}
)

// CACreate is the body of POST /cas.
type CACreate struct {
	Name                      string           `json:"name"`
	CertPEM                   string           `json:"certPem"`
	IsAutoCaEnrollmentEnabled bool             `json:"isAutoCaEnrollmentEnabled"`
	IsOttCaEnrollmentEnabled  bool             `json:"isOttCaEnrollmentEnabled"`
	IsAuthEnabled             bool             `json:"isAuthEnabled"`
	IdentityRoles             []string         `json:"identityRoles"`
	IdentityNameFormat        string           `json:"identityNameFormat,omitempty"`
	ExternalIDClaim           *ExternalIDClaim `json:"externalIdClaim"`
	Tags                      Tags             `json:"tags"`
}

// CAUpdate is the body of PUT /cas/{id}: a full replace, without certPem.
type CAUpdate struct {
	Name                      string           `json:"name"`
	IsAutoCaEnrollmentEnabled bool             `json:"isAutoCaEnrollmentEnabled"`
	IsOttCaEnrollmentEnabled  bool             `json:"isOttCaEnrollmentEnabled"`
	IsAuthEnabled             bool             `json:"isAuthEnabled"`
	IdentityRoles             []string         `json:"identityRoles"`
	IdentityNameFormat        string           `json:"identityNameFormat"`
	ExternalIDClaim           *ExternalIDClaim `json:"externalIdClaim"`
	Tags                      Tags             `json:"tags"`
}

// CADetail is the data of GET /cas/{id}. VerificationToken is only useful
// to whoever holds the CA key; it is not a credential by itself.
type CADetail struct {
	BaseEntity
	Name                      string           `json:"name"`
	CertPEM                   string           `json:"certPem"`
	Fingerprint               string           `json:"fingerprint"`
	IsVerified                bool             `json:"isVerified"`
	VerificationToken         string           `json:"verificationToken"`
	IsAutoCaEnrollmentEnabled bool             `json:"isAutoCaEnrollmentEnabled"`
	IsOttCaEnrollmentEnabled  bool             `json:"isOttCaEnrollmentEnabled"`
	IsAuthEnabled             bool             `json:"isAuthEnabled"`
	IdentityRoles             []string         `json:"identityRoles"`
	IdentityNameFormat        string           `json:"identityNameFormat"`
	ExternalIDClaim           *ExternalIDClaim `json:"externalIdClaim"`
}

// EdgeRouterCreate is the body of POST /edge-routers and PUT
// /edge-routers/{id} (a full replace).
type EdgeRouterCreate struct {
	Name              string    `json:"name"`
	RoleAttributes    *[]string `json:"roleAttributes"`
	IsTunnelerEnabled bool      `json:"isTunnelerEnabled"`
	Cost              *int64    `json:"cost,omitempty"`
	NoTraversal       *bool     `json:"noTraversal,omitempty"`
	Disabled          *bool     `json:"disabled,omitempty"`
	AppData           Tags      `json:"appData"`
	Tags              Tags      `json:"tags"`
}

// EdgeRouterDetail is the data of GET /edge-routers/{id}. EnrollmentJWT and
// EnrollmentToken are secrets.
type EdgeRouterDetail struct {
	BaseEntity
	Name                string     `json:"name"`
	RoleAttributes      []string   `json:"roleAttributes"`
	IsTunnelerEnabled   bool       `json:"isTunnelerEnabled"`
	Cost                *int64     `json:"cost"`
	NoTraversal         *bool      `json:"noTraversal"`
	Disabled            bool       `json:"disabled"`
	AppData             Tags       `json:"appData"`
	IsVerified          bool       `json:"isVerified"`
	IsOnline            bool       `json:"isOnline"`
	Hostname            string     `json:"hostname"`
	SyncStatus          string     `json:"syncStatus"`
	Fingerprint         string     `json:"fingerprint"`
	CertPEM             *string    `json:"certPem"`
	EnrollmentJWT       *string    `json:"enrollmentJwt"`
	EnrollmentToken     *string    `json:"enrollmentToken"`
	EnrollmentCreatedAt *time.Time `json:"enrollmentCreatedAt"`
	EnrollmentExpiresAt *time.Time `json:"enrollmentExpiresAt"`
}

// EnrollResult is the data of a successful client-API enrollment: the
// issued client certificate (chain) and the CA bundle to trust.
type EnrollResult struct {
	Cert       string `json:"cert"`
	ServerCert string `json:"serverCert,omitempty"`
	CA         string `json:"ca"`
}
