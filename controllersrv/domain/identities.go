package domain

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// Identity types accepted by the API.
var identityTypes = []string{"User", "Device", "Service", "Router", "Default"}

// IdentityInput is the body of create, PUT and PATCH /identities. Pointers
// tell absent from null/zero.
type IdentityInput struct {
	NamedInput
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
	// Enrollment asks for enrollments on create; OpenZiti ignores it on
	// update, and so does controllersrv (clients send the whole object
	// back on PUT).
	Enrollment *struct {
		OTT   *bool   `json:"ott"`
		OTTCA *string `json:"ottca"`
		UPDB  *string `json:"updb"`
	} `json:"enrollment"`
}

// Identities are the rules of identities. Creating one may create its
// enrollments; the default admin cannot be deleted.
var Identities = &Kind[store.Identity, IdentityInput]{
	Name:    "identity",
	Store:   store.Identities,
	Apply:   (*IdentityInput).apply,
	Prepare: (*IdentityInput).enrollments,
	Check: func(tx *store.Tx, v *store.Identity) error {
		if _, err := store.AuthPolicies.Get(tx, v.AuthPolicyID); err != nil {
			return &Error{Status: http.StatusBadRequest, Code: CodeReferenceNotFound,
				Message: "auth policy " + quote(v.AuthPolicyID) + " was not found: use \"default\" (the built-in policy) or the id of an auth policy",
				Cause:   &FieldError{Field: "authPolicyId", Reason: "not found", Value: v.AuthPolicyID}}
		}
		return nil
	},
	CanDelete: func(tx *store.Tx, v *store.Identity) error {
		if v.IsDefaultAdmin {
			return Errorf(http.StatusConflict, CodeConflict, "the default admin identity cannot be deleted")
		}
		if _, err := store.EdgeRouters.Get(tx, v.ID); err == nil && v.TypeID == RouterIdentityType {
			return Errorf(http.StatusConflict, CodeCanNotBeDeleted, "cannot delete router identity %s until its edge router is deleted (or its isTunnelerEnabled is false)", v.Name)
		}
		return nil
	},
}

func (in *IdentityInput) apply(v *store.Identity, keys Keys, patch bool) error {
	has := func(k string) bool { return keys.Has(k, patch) }
	if has("type") {
		t := "Default"
		if in.Type != nil && *in.Type != "" {
			// Exact names: the spec's enum is case-sensitive, and OpenZiti
			// validates it so.
			if !slices.Contains(identityTypes, *in.Type) {
				return FieldInvalid("type", *in.Type, "must be one of %s", strings.Join(identityTypes, ", "))
			}
			t = *in.Type
		}
		// OpenZiti accepts the types it no longer has and stores them as
		// Default (getIdentityTypeId in its identity routes, v1.7.2).
		if t == "User" || t == "Device" || t == "Service" {
			t = "Default"
		}
		v.TypeID = t
	}
	if has("isAdmin") {
		v.IsAdmin = in.IsAdmin != nil && *in.IsAdmin
		if v.IsDefaultAdmin && !v.IsAdmin {
			return FieldInvalid("isAdmin", false, "the default admin must stay an admin")
		}
	}
	if err := SetRoles("roleAttributes", "role attributes", in.RoleAttributes, &v.RoleAttributes, keys, patch); err != nil {
		return err
	}
	if has("authPolicyId") {
		p := DefaultAuthPolicyID
		if in.AuthPolicyID != nil && *in.AuthPolicyID != "" {
			p = *in.AuthPolicyID
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
	if err := SetCost("defaultHostingCost", in.DefaultHostingCost, &v.DefaultHostingCost, keys, patch); err != nil {
		return err
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
	return SetTags("appData", in.AppData, &v.AppData, keys, patch)
}

// enrollments makes the enrollments a create asks for (signing their JWTs
// outside the transaction) and returns their checked writes.
func (in *IdentityInput) enrollments(c *Controller, v *store.Identity) (func(*store.Tx) error, error) {
	e := in.Enrollment
	if e == nil {
		return nil, nil
	}
	exp := c.now().Add(c.EnrollmentDuration)
	var pending []*store.Enrollment
	add := func(method string, caID, username *string) error {
		en, err := c.NewEnrollment(v.ID, method, exp, caID, username)
		if err == nil {
			pending = append(pending, en)
		}
		return err
	}
	if e.OTT != nil && *e.OTT {
		if err := add(edgewire.MethodOTT, nil, nil); err != nil {
			return nil, err
		}
	}
	if e.OTTCA != nil && *e.OTTCA != "" {
		ca := *e.OTTCA
		if err := add(edgewire.MethodOTTCA, &ca, nil); err != nil {
			return nil, err
		}
	}
	if e.UPDB != nil && *e.UPDB != "" {
		u := *e.UPDB
		if err := add(edgewire.MethodUPDB, nil, &u); err != nil {
			return nil, err
		}
	}
	return func(tx *store.Tx) error {
		for _, en := range pending {
			if err := CheckEnrollmentRefs(tx, en); err != nil {
				return err
			}
			if err := tx.PutEnrollment(en); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// DisableIdentity disables the identity id for d (0 or less: until
// EnableIdentity): it cannot log in, and its API sessions end in the same
// transaction, for good (as OpenZiti deletes them: enabling the identity
// again brings none back). The caller drops them from the session table
// with auth.Sessions.Prune (requests refuse them at once anyway).
func (c *Controller) DisableIdentity(id string, d time.Duration) error {
	return c.setDisabled(id, func(tx *store.Tx, v *store.Identity) error {
		now := c.now()
		v.DisabledAt, v.DisabledUntil = &now, nil
		if d > 0 {
			until := now.Add(d)
			v.DisabledUntil = &until
		}
		return tx.DropAPISessions(id)
	})
}

// EnableIdentity clears the disabled state of the identity id (an admin's
// disable or a lockout).
func (c *Controller) EnableIdentity(id string) error {
	return c.setDisabled(id, func(_ *store.Tx, v *store.Identity) error {
		v.DisabledAt, v.DisabledUntil = nil, nil
		return nil
	})
}

func (c *Controller) setDisabled(id string, change func(*store.Tx, *store.Identity) error) error {
	return c.DB.Update(func(tx *store.Tx) error {
		v, err := tx.GetIdentity(id)
		if err != nil {
			return NotFound("identity", id)
		}
		if err := change(tx, v); err != nil {
			return err
		}
		v.UpdatedAt = c.now()
		return tx.PutIdentity(v)
	})
}
