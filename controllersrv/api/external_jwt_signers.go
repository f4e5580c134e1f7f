package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// externalJWTSigners serves /external-jwt-signers.
var externalJWTSigners = &entity[store.ExternalJWTSigner, domain.ExternalJWTSignerInput]{
	rules:      domain.ExternalJWTSigners,
	collection: "external-jwt-signers",
	filterable: []string{"id", "name", "issuer", "audience", "enabled", "kid", "fingerprint", "commonName", "useExternalId", "claimsProperty", "createdAt", "updatedAt"},
	field: func(v *store.ExternalJWTSigner, name string) (any, bool) {
		switch name {
		case "issuer":
			return v.Issuer, true
		case "audience":
			return v.Audience, true
		case "enabled":
			return v.Enabled, true
		case "kid":
			return optional(v.Kid), true
		case "fingerprint":
			return optional(v.Fingerprint), true
		case "commonName":
			return v.CommonName, true
		case "useExternalId":
			return v.UseExternalID, true
		case "claimsProperty":
			return v.ClaimsProperty, true
		}
		return nil, false
	},
	detail: func(_ *Ctx, _ *store.Tx, v *store.ExternalJWTSigner) (any, error) {
		return externalJWTSignerDetail(v), nil
	},
}

// deref is a nullable string as a string, "" for null.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// optional is a nullable string field's filter value.
func optional(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

type externalJWTSignerView struct {
	Base
	store.ExternalJWTSigner
	// The certificate's validity; the zero time (as OpenZiti reports it)
	// for a JWKS signer.
	NotBefore time.Time `json:"notBefore"`
	NotAfter  time.Time `json:"notAfter"`
	// The specification makes these strings required and not nullable;
	// unset is "" (OpenZiti sends null).
	Kid             string `json:"kid"`
	Fingerprint     string `json:"fingerprint"`
	ExternalAuthURL string `json:"externalAuthUrl"`
	ClientID        string `json:"clientId"`
}

func externalJWTSignerDetail(v *store.ExternalJWTSigner) *externalJWTSignerView {
	d := &externalJWTSignerView{Base: base("external-jwt-signers", v.ID, v.CreatedAt, v.UpdatedAt, v.Tags), ExternalJWTSigner: *v,
		Kid: deref(v.Kid), Fingerprint: deref(v.Fingerprint), ExternalAuthURL: deref(v.ExternalAuthURL), ClientID: deref(v.ClientID)}
	if v.NotBefore != nil {
		d.NotBefore, d.NotAfter = *v.NotBefore, *v.NotAfter
	}
	if d.Scopes == nil {
		d.Scopes = []string{}
	}
	return d
}

// extJWTAuth is method=ext-jwt: the JWT is the bearer token of the
// Authorization header.
func extJWTAuth(c *Ctx) (string, string, error) {
	token := bearer(c)
	if token == "" {
		return "", "", Errorf(http.StatusUnauthorized, CodeInvalidAuth, "method=ext-jwt needs the JWT in the Authorization header: \"Authorization: Bearer <jwt>\"")
	}
	return c.API.ExtJWTLogin(c.Context(), token)
}

// bearer is the request's bearer token ("" if it has none).
func bearer(c *Ctx) string {
	token, ok := strings.CutPrefix(c.R.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(token)
}
