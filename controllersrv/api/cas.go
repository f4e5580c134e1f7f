package api

import (
	"net/http"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

var caFilterable = []string{"id", "name", "fingerprint", "isVerified", "isAutoCaEnrollmentEnabled", "isOttCaEnrollmentEnabled", "isAuthEnabled", "identityNameFormat", "identityRoles", "createdAt", "updatedAt"}

// cas serves /cas.
var cas = &entity[store.CA, domain.CAInput]{
	rules:      domain.CAs,
	collection: "cas",
	filterable: caFilterable,
	field: func(v *store.CA, name string) (any, bool) {
		switch name {
		case "fingerprint":
			return v.Fingerprint, true
		case "isVerified":
			return v.IsVerified, true
		case "isAutoCaEnrollmentEnabled":
			return v.IsAutoCaEnrollmentEnabled, true
		case "isOttCaEnrollmentEnabled":
			return v.IsOttCaEnrollmentEnabled, true
		case "isAuthEnabled":
			return v.IsAuthEnabled, true
		case "identityNameFormat":
			return v.IdentityNameFormat, true
		case "identityRoles":
			return v.IdentityRoles, true
		}
		return nil, false
	},
	detail: func(_ *Ctx, _ *store.Tx, v *store.CA) (any, error) { return caDetail(v), nil },
}

// verifyCA serves POST /cas/{id}/verify (domain.VerifyCA): the body is the
// PEM of the verification certificate.
func verifyCA(c *Ctx) error {
	id := c.R.PathValue("id")
	body, err := c.ReadBody()
	if err != nil {
		return err
	}
	if err := c.API.VerifyCA(id, body); err != nil {
		return err
	}
	return c.Empty()
}

// getCAJWT serves the CA's enrollment JWT as raw application/jwt, no
// envelope.
func getCAJWT(c *Ctx) error {
	tok, err := c.API.CAJWT(c.R.PathValue("id"))
	if err != nil {
		return err
	}
	c.W.Header().Set("Content-Type", "application/jwt")
	c.W.WriteHeader(http.StatusOK)
	_, _ = c.W.Write([]byte(tok))
	return nil
}

type caView struct {
	Base
	Name                      string                 `json:"name"`
	CertPEM                   string                 `json:"certPem"`
	Fingerprint               string                 `json:"fingerprint"`
	IsVerified                bool                   `json:"isVerified"`
	VerificationToken         string                 `json:"verificationToken,omitempty"`
	IsAutoCaEnrollmentEnabled bool                   `json:"isAutoCaEnrollmentEnabled"`
	IsOttCaEnrollmentEnabled  bool                   `json:"isOttCaEnrollmentEnabled"`
	IsAuthEnabled             bool                   `json:"isAuthEnabled"`
	IdentityRoles             []string               `json:"identityRoles"`
	IdentityNameFormat        string                 `json:"identityNameFormat"`
	ExternalIDClaim           *store.ExternalIDClaim `json:"externalIdClaim,omitempty"`
}

func caDetail(v *store.CA) *caView {
	d := &caView{
		Base: base("cas", v.ID, v.CreatedAt, v.UpdatedAt, v.Tags),
		Name: v.Name, CertPEM: v.CertPEM, Fingerprint: v.Fingerprint, IsVerified: v.IsVerified,
		VerificationToken:         v.VerificationToken,
		IsAutoCaEnrollmentEnabled: v.IsAutoCaEnrollmentEnabled, IsOttCaEnrollmentEnabled: v.IsOttCaEnrollmentEnabled,
		IsAuthEnabled: v.IsAuthEnabled, IdentityRoles: v.IdentityRoles, IdentityNameFormat: v.IdentityNameFormat,
		ExternalIDClaim: v.ExternalIDClaim,
	}
	if d.IdentityRoles == nil {
		d.IdentityRoles = []string{}
	}
	if d.IdentityNameFormat == "" {
		d.IdentityNameFormat = domain.DefaultIdentityNameFormat
	}
	d.Links["verify"] = Link{Href: "./cas/" + v.ID + "/verify", Method: "POST"}
	d.Links["jwt"] = Link{Href: "./cas/" + v.ID + "/jwt"}
	return d
}
