package store

import "time"

// Identity is a stored identity. Field names follow the Edge API so that the
// filter language can address them by their API names.
type Identity struct {
	ID                        string            `json:"id"`
	Name                      string            `json:"name"`
	TypeID                    string            `json:"typeId"`
	IsAdmin                   bool              `json:"isAdmin"`
	IsDefaultAdmin            bool              `json:"isDefaultAdmin"`
	RoleAttributes            []string          `json:"roleAttributes"`
	AuthPolicyID              string            `json:"authPolicyId"`
	ExternalID                *string           `json:"externalId"`
	DefaultHostingCost        int64             `json:"defaultHostingCost"`
	DefaultHostingPrecedence  string            `json:"defaultHostingPrecedence"`
	ServiceHostingCosts       map[string]int64  `json:"serviceHostingCosts"`
	ServiceHostingPrecedences map[string]string `json:"serviceHostingPrecedences"`
	Permissions               []string          `json:"permissions"`
	AppData                   map[string]any    `json:"appData"`
	Tags                      map[string]any    `json:"tags"`
	Disabled                  bool              `json:"disabled"`
	CreatedAt                 time.Time         `json:"createdAt"`
	UpdatedAt                 time.Time         `json:"updatedAt"`
}

// Enrollment is a pending, single-use enrollment token.
type Enrollment struct {
	ID         string    `json:"id"`
	Method     string    `json:"method"` // ott | ottca | updb | erott
	IdentityID string    `json:"identityId,omitempty"`
	RouterID   string    `json:"edgeRouterId,omitempty"`
	Token      string    `json:"token"`
	JWT        string    `json:"jwt"`
	ExpiresAt  time.Time `json:"expiresAt"`
	CAID       *string   `json:"caId"`
	Username   *string   `json:"username"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// Authenticator is a credential of an identity: a certificate (cert) or a
// username and password hash (updb).
type Authenticator struct {
	ID                string    `json:"id"`
	IdentityID        string    `json:"identityId"`
	Method            string    `json:"method"` // cert | updb
	Fingerprint       string    `json:"fingerprint,omitempty"`
	CertPEM           string    `json:"certPem,omitempty"`
	IsIssuedByNetwork bool      `json:"isIssuedByNetwork"`
	Username          string    `json:"username,omitempty"`
	PasswordHash      string    `json:"passwordHash,omitempty"`
	CreatedAt         time.Time `json:"createdAt"`
	UpdatedAt         time.Time `json:"updatedAt"`
}
