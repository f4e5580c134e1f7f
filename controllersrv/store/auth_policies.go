package store

import (
	"fmt"
	"slices"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// DefaultAuthPolicyID is the id of the built-in auth policy: every identity
// uses it unless its authPolicyId names another.
const DefaultAuthPolicyID = "default"

// AuthPolicy is a stored auth policy: which primary methods an identity
// may authenticate with, and the password rules and lockout of its updb
// authenticator. JSON names follow the Edge API.
type AuthPolicy struct {
	Named
	Primary   AuthPolicyPrimary   `json:"primary"`
	Secondary AuthPolicySecondary `json:"secondary"`
}

// The rules of a stored auth policy are the Edge API's wire types, so the
// stored JSON is the API's.
type (
	AuthPolicyPrimary   = edgewire.AuthPolicyPrimary
	AuthPolicyCert      = edgewire.AuthPolicyCert
	AuthPolicyExtJWT    = edgewire.AuthPolicyExtJWT
	AuthPolicyUpdb      = edgewire.AuthPolicyUpdb
	AuthPolicySecondary = edgewire.AuthPolicySecondary
)

// DefaultAuthPolicy is the built-in policy as a new database gets it: the
// values of the OpenZiti controller's default policy, except that expired
// certificates are refused (controllersrv's certificate check has always
// refused them).
func DefaultAuthPolicy() *AuthPolicy {
	epoch := time.Unix(0, 0).UTC()
	return &AuthPolicy{
		Named: Named{ID: DefaultAuthPolicyID, Name: "Default", Tags: map[string]any{}, CreatedAt: epoch, UpdatedAt: epoch},
		Primary: AuthPolicyPrimary{
			Cert:   AuthPolicyCert{Allowed: true},
			ExtJWT: AuthPolicyExtJWT{Allowed: true, AllowedSigners: []string{}},
			Updb:   AuthPolicyUpdb{Allowed: true, MinPasswordLength: 5},
		},
	}
}

// AuthPolicies stores auth policies, keeping names unique. A policy an
// identity uses cannot be deleted.
var AuthPolicies = &Kind[AuthPolicy]{
	Bucket: BucketAuthPolicies,
	ID:     NamedID[AuthPolicy],
	Unique: []Unique[AuthPolicy]{NameIndex[AuthPolicy](idxAuthPolicyName)},
	BeforeDelete: func(t *Tx, v *AuthPolicy) error {
		ids, err := t.identitiesWith(func(i *Identity) bool { return i.AuthPolicyID == v.ID })
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			return &ReferencedError{Field: "authPolicyId", By: "identity", IDs: ids}
		}
		return nil
	},
}

// AuthPoliciesUsing lists the ids of the policies that name the external
// JWT signer id (as an allowed primary signer or the required secondary one).
func (t *Tx) AuthPoliciesUsing(signerID string) ([]string, error) {
	ps, err := AuthPolicies.List(t)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range ps {
		if slices.Contains(p.Primary.ExtJWT.AllowedSigners, signerID) || deref(p.Secondary.RequireExtJWTSigner) == signerID {
			out = append(out, p.ID)
		}
	}
	return out, nil
}

// identitiesWith lists the ids of the identities that match.
func (t *Tx) identitiesWith(match func(*Identity) bool) ([]string, error) {
	all, err := Identities.List(t)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, i := range all {
		if match(i) {
			ids = append(ids, i.ID)
		}
	}
	return ids, nil
}

// ReferencedError refuses to delete a record that other records name.
type ReferencedError struct {
	// Field is the referring records' field, By their kind.
	Field, By string
	// IDs are the referring records.
	IDs []string
}

func (e *ReferencedError) Error() string {
	return fmt.Sprintf("referenced by the %s field of %s %v", e.Field, e.By, e.IDs)
}

// seedAuthPolicies stores the default auth policy in a database that has
// none (a new one, or one made before policies were stored).
func seedAuthPolicies(t *Tx) error {
	if _, err := AuthPolicies.Get(t, DefaultAuthPolicyID); err == nil {
		return nil
	}
	return AuthPolicies.Put(t, DefaultAuthPolicy())
}
