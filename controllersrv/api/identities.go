package api

import (
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

var identityFilterable = []string{"id", "name", "type", "typeId", "isAdmin", "isDefaultAdmin", "externalId", "roleAttributes", "authPolicyId", "disabled", "createdAt", "updatedAt"}

// identities serves /identities.
var identities = &entity[store.Identity, domain.IdentityInput]{
	rules:      domain.Identities,
	collection: "identities",
	filterable: identityFilterable,
	field: func(v *store.Identity, name string) (any, bool) {
		switch name {
		case "type", "typeId":
			return v.TypeID, true
		case "isAdmin":
			return v.IsAdmin, true
		case "isDefaultAdmin":
			return v.IsDefaultAdmin, true
		case "externalId":
			if v.ExternalID == nil {
				return nil, true
			}
			return *v.ExternalID, true
		case "roleAttributes":
			return v.RoleAttributes, true
		case "authPolicyId":
			return v.AuthPolicyID, true
		case "disabled":
			return v.IsDisabled(time.Now()), true
		}
		return nil, false
	},
	detail:  func(c *Ctx, tx *store.Tx, v *store.Identity) (any, error) { return c.API.identityDetail(tx, v) },
	deleted: func(c *Ctx, id string) { c.API.Sessions.Prune(id) },
}

// listIdentityAuthenticators serves GET /identities/{id}/authenticators.
var listIdentityAuthenticators = identityRecords((*store.Tx).AuthenticatorsOfIdentity,
	func(a *store.Authenticator, v *store.Identity) any { return authenticatorDetail(a, v) })

// listIdentityEnrollments serves GET /identities/{id}/enrollments.
var listIdentityEnrollments = identityRecords((*store.Tx).EnrollmentsOfIdentity,
	func(e *store.Enrollment, v *store.Identity) any { return enrollmentDetail(e, v) })

// identityView is the identity detail of the API.
type identityView struct {
	Base
	Name                       string            `json:"name"`
	Type                       *Ref              `json:"type"`
	TypeID                     string            `json:"typeId"`
	IsAdmin                    bool              `json:"isAdmin"`
	IsDefaultAdmin             bool              `json:"isDefaultAdmin"`
	Authenticators             map[string]any    `json:"authenticators"`
	Enrollment                 map[string]any    `json:"enrollment"`
	EnvInfo                    map[string]any    `json:"envInfo"`
	SdkInfo                    map[string]any    `json:"sdkInfo"`
	RoleAttributes             []string          `json:"roleAttributes"`
	HasEdgeRouterConnection    bool              `json:"hasEdgeRouterConnection"`
	EdgeRouterConnectionStatus string            `json:"edgeRouterConnectionStatus"`
	HasAPISession              bool              `json:"hasApiSession"`
	IsMfaEnabled               bool              `json:"isMfaEnabled"`
	ServiceHostingPrecedences  map[string]string `json:"serviceHostingPrecedences"`
	ServiceHostingCosts        map[string]int64  `json:"serviceHostingCosts"`
	DefaultHostingCost         int64             `json:"defaultHostingCost"`
	DefaultHostingPrecedence   string            `json:"defaultHostingPrecedence"`
	AuthPolicyID               string            `json:"authPolicyId"`
	AuthPolicy                 *Ref              `json:"authPolicy"`
	ExternalID                 *string           `json:"externalId"`
	Disabled                   bool              `json:"disabled"`
	DisabledAt                 *time.Time        `json:"disabledAt"`
	DisabledUntil              *time.Time        `json:"disabledUntil"`
	Permissions                []string          `json:"permissions"`
	AppData                    map[string]any    `json:"appData"`
}

func (a *API) identityDetail(tx *store.Tx, v *store.Identity) (*identityView, error) {
	d := &identityView{
		Base:                       base("identities", v.ID, v.CreatedAt, v.UpdatedAt, v.Tags),
		Name:                       v.Name,
		Type:                       &Ref{ID: v.TypeID, Name: v.TypeID, Entity: "identity-types", Links: selfLinks("identity-types", v.TypeID)},
		TypeID:                     v.TypeID,
		IsAdmin:                    v.IsAdmin,
		IsDefaultAdmin:             v.IsDefaultAdmin,
		Authenticators:             map[string]any{},
		Enrollment:                 map[string]any{},
		EnvInfo:                    map[string]any{},
		SdkInfo:                    map[string]any{},
		RoleAttributes:             v.RoleAttributes,
		EdgeRouterConnectionStatus: "offline",
		HasAPISession:              a.Sessions.HasIdentity(tx, v.ID),
		ServiceHostingPrecedences:  v.ServiceHostingPrecedences,
		ServiceHostingCosts:        v.ServiceHostingCosts,
		DefaultHostingCost:         v.DefaultHostingCost,
		DefaultHostingPrecedence:   v.DefaultHostingPrecedence,
		AuthPolicyID:               v.AuthPolicyID,
		AuthPolicy:                 ref("auth-policies", v.AuthPolicyID, policyName(tx, v.AuthPolicyID)),
		ExternalID:                 v.ExternalID,
		Disabled:                   v.IsDisabled(a.now()),
		DisabledAt:                 v.DisabledAt,
		DisabledUntil:              v.DisabledUntil,
		Permissions:                v.Permissions,
		AppData:                    v.AppData,
	}
	if d.RoleAttributes == nil {
		d.RoleAttributes = []string{}
	}
	if d.Permissions == nil {
		d.Permissions = []string{}
	}
	if d.ServiceHostingCosts == nil {
		d.ServiceHostingCosts = map[string]int64{}
	}
	if d.ServiceHostingPrecedences == nil {
		d.ServiceHostingPrecedences = map[string]string{}
	}
	if d.AppData == nil {
		d.AppData = map[string]any{}
	}
	if d.DefaultHostingPrecedence == "" {
		d.DefaultHostingPrecedence = "default"
	}
	as, err := tx.AuthenticatorsOfIdentity(v.ID)
	if err != nil {
		return nil, err
	}
	for _, au := range as {
		switch au.Method {
		case "cert":
			d.Authenticators["cert"] = map[string]any{"id": au.ID, "fingerprint": au.Fingerprint}
		case "updb":
			d.Authenticators["updb"] = map[string]any{"id": au.ID, "username": au.Username}
		}
	}
	es, err := tx.EnrollmentsOfIdentity(v.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		m := map[string]any{"id": e.ID, "jwt": e.JWT, "token": e.Token, "expiresAt": e.ExpiresAt.UTC()}
		if e.Method == edgewire.MethodOTTCA && e.CAID != nil {
			m["caId"] = *e.CAID
			caName, _ := domain.LookupCA(tx, *e.CAID)
			m["ca"] = ref("cas", *e.CAID, caName)
		}
		if e.Method == edgewire.MethodUPDB && e.Username != nil {
			m["username"] = *e.Username
		}
		d.Enrollment[e.Method] = m
	}
	return d, nil
}

// policyName is the name of the auth policy id, for references.
func policyName(tx *store.Tx, id string) string {
	if p, err := store.AuthPolicies.Get(tx, id); err == nil {
		return p.Name
	}
	return ""
}

// disableIdentity serves POST /identities/{id}/disable: the identity can
// neither log in nor use its sessions for durationMinutes (0 or less:
// until enabled).
func disableIdentity(c *Ctx) error {
	var in struct {
		DurationMinutes *int64 `json:"durationMinutes"`
	}
	if err := c.Decode(&in); err != nil {
		return err
	}
	if in.DurationMinutes == nil {
		return FieldInvalid("durationMinutes", nil, "is required: the minutes the identity stays disabled, 0 for until it is enabled")
	}
	d := time.Duration(max(*in.DurationMinutes, 0)) * time.Minute
	id := c.R.PathValue("id")
	if err := c.API.DisableIdentity(id, d); err != nil {
		return err
	}
	c.API.Sessions.Prune(id)
	return c.Empty()
}

// enableIdentity serves POST /identities/{id}/enable: it ends a disable or
// an auth policy lockout.
func enableIdentity(c *Ctx) error {
	if err := c.API.EnableIdentity(c.R.PathValue("id")); err != nil {
		return err
	}
	return c.Empty()
}
