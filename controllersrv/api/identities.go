package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/filter"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// Identity types accepted by the API.
var identityTypes = []string{"User", "Device", "Service", "Router", "Default"}

// DefaultAuthPolicyID is the built-in auth policy every identity uses unless
// told otherwise.
const DefaultAuthPolicyID = "default"

var identityFilterable = []string{"id", "name", "type", "typeId", "isAdmin", "isDefaultAdmin", "externalId", "roleAttributes", "authPolicyId", "disabled", "createdAt", "updatedAt"}

func identityFields(v *store.Identity) filter.Fields {
	return func(name string) (any, bool) {
		switch name {
		case "id":
			return v.ID, true
		case "name":
			return v.Name, true
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
			return v.Disabled, true
		case "createdAt":
			return v.CreatedAt.UTC().Format(time.RFC3339Nano), true
		case "updatedAt":
			return v.UpdatedAt.UTC().Format(time.RFC3339Nano), true
		}
		return tagField(v.Tags, name)
	}
}

// identityInput is the body of create, PUT and PATCH. Pointers tell absent
// from null/zero; a PATCH applies only present fields.
type identityInput struct {
	Name                      *string           `json:"name"`
	Type                      *string           `json:"type"`
	IsAdmin                   *bool             `json:"isAdmin"`
	RoleAttributes            *[]string         `json:"roleAttributes"`
	AuthPolicyID              *string           `json:"authPolicyId"`
	ExternalID                *string           `json:"externalId"`
	DefaultHostingCost        *int64            `json:"defaultHostingCost"`
	DefaultHostingPrecedence  *string           `json:"defaultHostingPrecedence"`
	ServiceHostingCosts       map[string]int64  `json:"serviceHostingCosts"`
	ServiceHostingPrecedences map[string]string `json:"serviceHostingPrecedences"`
	Permissions               *[]string         `json:"permissions"`
	AppData                   map[string]any    `json:"appData"`
	Tags                      map[string]any    `json:"tags"`
	Enrollment                *struct {
		OTT   *bool   `json:"ott"`
		OTTCA *string `json:"ottca"`
		UPDB  *string `json:"updb"`
	} `json:"enrollment"`
}

// apply copies the input onto v. present holds the JSON keys that were
// sent; for a full write (create/PUT) absent keys reset to defaults.
func (in *identityInput) apply(v *store.Identity, present map[string]bool, patch bool) error {
	has := func(k string) bool { return !patch || present[k] }
	if has("name") {
		if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
			return FieldInvalid("name", nil, "must be a non-empty string")
		}
		if len(*in.Name) > 255 {
			return FieldInvalid("name", nil, "must be at most 255 characters")
		}
		v.Name = *in.Name
	}
	if has("type") {
		t := "Default"
		if in.Type != nil && *in.Type != "" {
			t = ""
			for _, it := range identityTypes {
				if strings.EqualFold(it, *in.Type) {
					t = it
				}
			}
			if t == "" {
				return FieldInvalid("type", *in.Type, "must be one of %s", strings.Join(identityTypes, ", "))
			}
		}
		v.TypeID = t
	}
	if has("isAdmin") {
		v.IsAdmin = in.IsAdmin != nil && *in.IsAdmin
		if v.IsDefaultAdmin && !v.IsAdmin {
			return FieldInvalid("isAdmin", false, "the default admin must stay an admin")
		}
	}
	if has("roleAttributes") {
		v.RoleAttributes = []string{}
		if in.RoleAttributes != nil {
			for _, a := range *in.RoleAttributes {
				if strings.TrimSpace(a) == "" {
					return FieldInvalid("roleAttributes", a, "role attributes must be non-empty strings")
				}
			}
			v.RoleAttributes = append(v.RoleAttributes, *in.RoleAttributes...)
		}
	}
	if has("authPolicyId") {
		p := DefaultAuthPolicyID
		if in.AuthPolicyID != nil && *in.AuthPolicyID != "" {
			p = *in.AuthPolicyID
		}
		if p != DefaultAuthPolicyID {
			return &Error{Status: http.StatusBadRequest, Code: CodeReferenceNotFound,
				Message: "auth policy " + quote(p) + " was not found: use \"default\" (the built-in policy)",
				Cause:   &FieldError{Field: "authPolicyId", Reason: "not found", Value: p}}
		}
		v.AuthPolicyID = p
	}
	if has("externalId") {
		v.ExternalID = nil
		if in.ExternalID != nil && *in.ExternalID != "" { // "" means unset
			e := *in.ExternalID
			v.ExternalID = &e
		}
	}
	if has("defaultHostingCost") {
		v.DefaultHostingCost = 0
		if in.DefaultHostingCost != nil {
			if *in.DefaultHostingCost < 0 || *in.DefaultHostingCost > 65535 {
				return FieldInvalid("defaultHostingCost", *in.DefaultHostingCost, "must be between 0 and 65535")
			}
			v.DefaultHostingCost = *in.DefaultHostingCost
		}
	}
	if has("defaultHostingPrecedence") {
		v.DefaultHostingPrecedence = "default"
		if in.DefaultHostingPrecedence != nil && *in.DefaultHostingPrecedence != "" {
			switch *in.DefaultHostingPrecedence {
			case "default", "required", "failed":
				v.DefaultHostingPrecedence = *in.DefaultHostingPrecedence
			default:
				return FieldInvalid("defaultHostingPrecedence", *in.DefaultHostingPrecedence, "must be default, required or failed")
			}
		}
	}
	if has("serviceHostingCosts") {
		v.ServiceHostingCosts = in.ServiceHostingCosts
	}
	if has("serviceHostingPrecedences") {
		v.ServiceHostingPrecedences = in.ServiceHostingPrecedences
	}
	if has("permissions") {
		v.Permissions = nil
		if in.Permissions != nil {
			v.Permissions = *in.Permissions
		}
	}
	if has("appData") {
		if err := checkTags("appData", in.AppData); err != nil {
			return err
		}
		v.AppData = in.AppData
	}
	if has("tags") {
		if err := checkTags("tags", in.Tags); err != nil {
			return err
		}
		v.Tags = in.Tags
	}
	return nil
}

// checkTags enforces the spec: tag values are null, strings, booleans (and,
// leniently, numbers), never nested objects or arrays.
func checkTags(field string, m map[string]any) error {
	for k, v := range m {
		switch v.(type) {
		case nil, string, bool, float64:
		default:
			return FieldInvalid(field+"."+k, nil, "tag values must be strings, booleans, numbers or null")
		}
	}
	return nil
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// decodeWithKeys decodes the body into v and also returns the set of
// top-level keys present (for PATCH).
func (c *Ctx) decodeWithKeys(v any) (map[string]bool, error) {
	body, err := c.ReadBody()
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	if err := checkUTF8(body); err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, Errorf(http.StatusBadRequest, CodeCouldNotParseBody, "the request body must be a JSON object: %s", jsonErrText(err))
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if asTypeErr(err, &te) && te.Field != "" {
			return nil, FieldInvalid(te.Field, nil, "expected a JSON %s, got %s", te.Type.String(), te.Value)
		}
		return nil, Errorf(http.StatusBadRequest, CodeCouldNotParseBody, "the request body is not valid: %s", jsonErrText(err))
	}
	keys := make(map[string]bool, len(raw))
	for k := range raw {
		keys[k] = true
	}
	return keys, nil
}

// listIdentities serves GET /identities.
var listIdentities = listEntities(identityFilterable, store.BucketIdentities, identityFields,
	func(c *Ctx, tx *store.Tx, v *store.Identity) (any, error) { return c.API.identityDetail(tx, v) })

func createIdentity(c *Ctx) error {
	var in identityInput
	keys, err := c.decodeWithKeys(&in)
	if err != nil {
		return err
	}
	if in.Name == nil {
		return FieldInvalid("name", nil, "is required")
	}
	now := c.API.now()
	v := &store.Identity{Named: store.Named{ID: auth.RandomID(), CreatedAt: now, UpdatedAt: now}}
	if err := in.apply(v, keys, false); err != nil {
		return err
	}
	var pending []*store.Enrollment
	if e := in.Enrollment; e != nil {
		exp := now.Add(c.API.EnrollmentDuration)
		if e.OTT != nil && *e.OTT {
			en, err := c.API.newEnrollment(v.ID, "ott", exp, nil, nil)
			if err != nil {
				return err
			}
			pending = append(pending, en)
		}
		if e.OTTCA != nil && *e.OTTCA != "" {
			ca := *e.OTTCA
			en, err := c.API.newEnrollment(v.ID, "ottca", exp, &ca, nil)
			if err != nil {
				return err
			}
			pending = append(pending, en)
		}
		if e.UPDB != nil && *e.UPDB != "" {
			u := *e.UPDB
			en, err := c.API.newEnrollment(v.ID, "updb", exp, nil, &u)
			if err != nil {
				return err
			}
			pending = append(pending, en)
		}
	}
	err = c.API.DB.Update(func(tx *store.Tx) error {
		if err := tx.PutIdentity(v); err != nil {
			return err
		}
		for _, en := range pending {
			if err := c.API.checkEnrollmentRefs(tx, en); err != nil {
				return err
			}
			if err := tx.PutEnrollment(en); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.API.Logger.Info("identity created", "id", v.ID, "name", v.Name, "by", c.Identity.ID)
	return c.Created("identities", v.ID)
}

func getIdentity(c *Ctx) error {
	id := c.R.PathValue("id")
	var d any
	err := c.API.DB.View(func(tx *store.Tx) error {
		v, err := tx.GetIdentity(id)
		if err != nil {
			return NotFound("identity", id)
		}
		d, err = c.API.identityDetail(tx, v)
		return err
	})
	if err != nil {
		return err
	}
	return c.OK(d)
}

// updateIdentity serves PUT and PATCH /identities/{id}.
var updateIdentity = updateHandler(updateSpec[store.Identity, identityInput]{
	kind: "identity",
	check: func(in *identityInput, keys map[string]bool, patch bool) error {
		if !patch && in.Name == nil {
			return FieldInvalid("name", nil, "is required")
		}
		if in.Enrollment != nil && keys["enrollment"] {
			// OpenZiti ignores enrollment on update; so do we (clients
			// send the whole object back on PUT).
			in.Enrollment = nil
		}
		return nil
	},
	get:   (*store.Tx).GetIdentity,
	apply: (*identityInput).apply,
	put:   (*store.Tx).PutIdentity,
	touch: func(v *store.Identity, now time.Time) { v.UpdatedAt = now },
})

func deleteIdentity(c *Ctx) error {
	id := c.R.PathValue("id")
	err := c.API.DB.Update(func(tx *store.Tx) error {
		v, err := tx.GetIdentity(id)
		if err != nil {
			return NotFound("identity", id)
		}
		if v.IsDefaultAdmin {
			return Errorf(http.StatusConflict, CodeConflict, "the default admin identity cannot be deleted")
		}
		return tx.DeleteIdentity(id)
	})
	if err != nil {
		return err
	}
	c.API.Sessions.DeleteIdentity(id)
	return c.Empty()
}

func listIdentityAuthenticators(c *Ctx) error {
	id := c.R.PathValue("id")
	var out []any
	err := c.API.DB.View(func(tx *store.Tx) error {
		v, err := tx.GetIdentity(id)
		if err != nil {
			return NotFound("identity", id)
		}
		as, err := tx.AuthenticatorsOfIdentity(id)
		if err != nil {
			return err
		}
		out = make([]any, 0, len(as))
		for _, a := range as {
			out = append(out, authenticatorDetail(a, v))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.List(out, Pagination{Limit: MaxLimit, TotalCount: int64(len(out))}, nil)
}

func listIdentityEnrollments(c *Ctx) error {
	id := c.R.PathValue("id")
	var out []any
	err := c.API.DB.View(func(tx *store.Tx) error {
		v, err := tx.GetIdentity(id)
		if err != nil {
			return NotFound("identity", id)
		}
		es, err := tx.EnrollmentsOfIdentity(id)
		if err != nil {
			return err
		}
		out = make([]any, 0, len(es))
		for _, e := range es {
			out = append(out, enrollmentDetail(e, v))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.List(out, Pagination{Limit: MaxLimit, TotalCount: int64(len(out))}, nil)
}

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
		HasAPISession:              a.Sessions.HasIdentity(v.ID),
		ServiceHostingPrecedences:  v.ServiceHostingPrecedences,
		ServiceHostingCosts:        v.ServiceHostingCosts,
		DefaultHostingCost:         v.DefaultHostingCost,
		DefaultHostingPrecedence:   v.DefaultHostingPrecedence,
		AuthPolicyID:               v.AuthPolicyID,
		AuthPolicy:                 ref("auth-policies", v.AuthPolicyID, "Default"),
		ExternalID:                 v.ExternalID,
		Disabled:                   v.Disabled,
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
		if e.Method == "ottca" && e.CAID != nil {
			m["caId"] = *e.CAID
			caName, _ := lookupCA(tx, *e.CAID)
			m["ca"] = ref("cas", *e.CAID, caName)
		}
		if e.Method == "updb" && e.Username != nil {
			m["username"] = *e.Username
		}
		d.Enrollment[e.Method] = m
	}
	return d, nil
}
