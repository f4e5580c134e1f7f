package api

import (
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/filter"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

var authenticatorFilterable = []string{"id", "method", "identityId", "fingerprint", "username", "isIssuedByNetwork", "createdAt", "updatedAt"}

func authenticatorFields(a *store.Authenticator) filter.Fields {
	return func(name string) (any, bool) {
		switch name {
		case "id":
			return a.ID, true
		case "method":
			return a.Method, true
		case "identityId":
			return a.IdentityID, true
		case "fingerprint":
			return a.Fingerprint, true
		case "username":
			return a.Username, true
		case "isIssuedByNetwork":
			return a.IsIssuedByNetwork, true
		case "createdAt":
			return a.CreatedAt.UTC().Format(time.RFC3339Nano), true
		case "updatedAt":
			return a.UpdatedAt.UTC().Format(time.RFC3339Nano), true
		}
		return nil, false
	}
}

type authenticatorView struct {
	Base
	Method                 string     `json:"method"`
	IdentityID             string     `json:"identityId"`
	Identity               *Ref       `json:"identity"`
	Fingerprint            string     `json:"fingerprint,omitempty"`
	CertPEM                string     `json:"certPem,omitempty"`
	Username               string     `json:"username,omitempty"`
	IsIssuedByNetwork      bool       `json:"isIssuedByNetwork"`
	IsExtendRequested      bool       `json:"isExtendRequested"`
	IsKeyRollRequested     bool       `json:"isKeyRollRequested"`
	ExtendRequestedAt      *time.Time `json:"extendRequestedAt"`
	LastAuthResolvedToRoot bool       `json:"lastAuthResolvedToRoot"`
}

func authenticatorDetail(a *store.Authenticator, idn *store.Identity) *authenticatorView {
	name := ""
	if idn != nil {
		name = idn.Name
	}
	return &authenticatorView{
		Base:   base("authenticators", a.ID, a.CreatedAt, a.UpdatedAt, a.Tags),
		Method: a.Method, IdentityID: a.IdentityID, Identity: ref("identities", a.IdentityID, name),
		Fingerprint: a.Fingerprint, CertPEM: a.CertPEM, Username: a.Username, IsIssuedByNetwork: a.IsIssuedByNetwork,
	}
}

// authenticatorOf renders an authenticator with its identity's name.
var authenticatorOf = withIdentity(func(a *store.Authenticator) string { return a.IdentityID },
	func(a *store.Authenticator, idn *store.Identity) any { return authenticatorDetail(a, idn) })

// listAuthenticators serves GET /authenticators.
var listAuthenticators = listEntities(authenticatorFilterable, store.BucketAuthenticators, authenticatorFields, authenticatorOf)

// getAuthenticator serves GET /authenticators/{id}.
var getAuthenticator = getHandler("authenticator", store.Authenticators, authenticatorOf)

// deleteAuthenticator serves DELETE /authenticators/{id}: the API
// sessions made with the authenticator end in the same transaction.
func deleteAuthenticator(c *Ctx) error {
	id := c.R.PathValue("id")
	var identityID string
	err := c.API.DB.Update(func(tx *store.Tx) error {
		au, err := tx.GetAuthenticator(id)
		if err != nil {
			return NotFound("authenticator", id)
		}
		identityID = au.IdentityID
		return tx.DeleteAuthenticator(id)
	})
	if err != nil {
		return err
	}
	c.API.Sessions.Prune(identityID)
	return c.Empty()
}

// updateAuthenticator serves PUT and PATCH /authenticators/{id} (patch
// set) and, with self set, /current-identity/authenticators/{id}: a new
// username, password or tags of a password authenticator.
func updateAuthenticator(patch, self bool) HandlerFunc {
	return func(c *Ctx) error {
		var in domain.AuthenticatorInput
		keys, err := c.decodeWithKeys(&in)
		if err != nil {
			return err
		}
		owner := ""
		if self {
			owner = c.Identity.ID
		}
		if err := c.API.UpdateAuthenticator(c.R.PathValue("id"), &in, keys, patch, owner); err != nil {
			return err
		}
		return c.Empty()
	}
}

// reEnrollAuthenticator serves POST /authenticators/{id}/re-enroll: the
// authenticator becomes a pending enrollment (201 with its id), and the
// API sessions made with it end.
func reEnrollAuthenticator(c *Ctx) error {
	var in struct {
		ExpiresAt *time.Time `json:"expiresAt"`
	}
	if err := c.Decode(&in); err != nil {
		return err
	}
	e, err := c.API.ReEnrollAuthenticator(c.R.PathValue("id"), in.ExpiresAt)
	if err != nil {
		return err
	}
	c.API.Sessions.Prune(e.IdentityID)
	return c.Created("enrollments", e.ID)
}
