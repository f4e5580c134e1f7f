package api

import (
	"time"

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
		Base:   base("authenticators", a.ID, a.CreatedAt, a.UpdatedAt, nil),
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

func deleteAuthenticator(c *Ctx) error {
	id := c.R.PathValue("id")
	err := c.API.DB.Update(func(tx *store.Tx) error {
		if err := tx.DeleteAuthenticator(id); err != nil {
			return NotFound("authenticator", id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.Empty()
}
