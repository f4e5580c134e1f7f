package api

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

var edgeRouterFilterable = []string{"id", "name", "roleAttributes", "isTunnelerEnabled", "cost", "noTraversal", "disabled", "isVerified", "fingerprint", "createdAt", "updatedAt"}

// edgeRouters serves /edge-routers.
var edgeRouters = &entity[store.EdgeRouter, domain.EdgeRouterInput]{
	rules:      domain.EdgeRouters,
	collection: "edge-routers",
	filterable: edgeRouterFilterable,
	field: func(v *store.EdgeRouter, name string) (any, bool) {
		switch name {
		case "roleAttributes":
			return v.RoleAttributes, true
		case "isTunnelerEnabled":
			return v.IsTunnelerEnabled, true
		case "cost":
			return v.Cost, true
		case "noTraversal":
			return v.NoTraversal, true
		case "disabled":
			return v.Disabled, true
		case "isVerified":
			return v.IsVerified, true
		case "fingerprint":
			return v.Fingerprint, true
		}
		return nil, false
	},
	detail: func(_ *Ctx, tx *store.Tx, v *store.EdgeRouter) (any, error) { return edgeRouterDetail(tx, v), nil },
}

// reEnrollEdgeRouter issues a new erott token, which invalidates the old
// token and the router's certificate: the router must enroll again.
func reEnrollEdgeRouter(c *Ctx) error {
	id := c.R.PathValue("id")
	if err := c.API.ReEnrollEdgeRouter(id); err != nil {
		return err
	}
	c.API.Logger.Info("edge router re-enrollment issued", "id", id, "by", c.Identity.ID)
	return c.Empty()
}

func enrollEROTTJSON(c *Ctx) error {
	var in struct {
		Token     string `json:"token"`
		ClientCsr string `json:"clientCsr"`
		ServerCsr string `json:"serverCsr"`
	}
	if err := c.Decode(&in); err != nil {
		return err
	}
	return enrollEROTT(c, in.Token, &routerCSRs{client: in.ClientCsr, server: in.ServerCsr})
}

type routerCSRs struct{ client, server string }

// enrollEROTT enrolls an edge router (domain.EnrollEdgeRouter) with the
// CSRs of a JSON body, or of the request body when csrs is nil.
func enrollEROTT(c *Ctx, token string, csrs *routerCSRs) error {
	e, err := c.API.FindEnrollment(token, edgewire.MethodEROTT)
	if err != nil {
		return err
	}
	if csrs == nil {
		body, err := c.ReadBody()
		if err != nil {
			return err
		}
		var in struct {
			ServerCertCsr string `json:"serverCertCsr"`
			CertCsr       string `json:"certCsr"`
		}
		if err := checkUTF8(body); err != nil {
			return err
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return Errorf(http.StatusBadRequest, CodeCouldNotParseBody, "router enrollment needs a JSON body {\"serverCertCsr\": PEM, \"certCsr\": PEM}: %s", jsonErrText(err))
		}
		csrs = &routerCSRs{client: in.CertCsr, server: in.ServerCertCsr}
	}
	clientCSR, err := routerCSR(csrs.client, "certCsr")
	if err != nil {
		return err
	}
	serverCSR, err := routerCSR(csrs.server, "serverCertCsr")
	if err != nil {
		return err
	}
	certs, err := c.API.EnrollEdgeRouter(token, e, clientCSR, serverCSR)
	if err != nil {
		return err
	}
	return c.OK(map[string]any{
		"cert":       string(pki.EncodeCertsPEM(certs.Client.Chain...)),
		"serverCert": string(pki.EncodeCertsPEM(certs.Server.Chain...)),
		"ca":         string(pki.EncodeCertsPEM(c.API.CABundle...)),
	})
}

func routerCSR(s, field string) (*x509.CertificateRequest, error) {
	if strings.TrimSpace(s) == "" {
		return nil, &Error{Status: http.StatusBadRequest, Code: CodeCouldNotProcessCSR,
			Message: "router enrollment needs both CSRs: " + field + " is missing",
			Cause:   &FieldError{Field: field, Reason: "missing"}}
	}
	csr, err := ParseCSRBody([]byte(s), "application/x-pem-file")
	if err != nil {
		if ae := (*Error)(nil); errors.As(err, &ae) && ae.Cause != nil {
			ae.Cause.Field = field
		}
		return nil, err
	}
	return csr, nil
}

// edgeRouterCommonView is what every identity may see of an edge router
// (the client API's /current-identity/edge-routers): no enrollment token,
// no certificate.
type edgeRouterCommonView struct {
	Base
	Name               string            `json:"name"`
	Cost               int64             `json:"cost"`
	NoTraversal        bool              `json:"noTraversal"`
	Disabled           bool              `json:"disabled"`
	AppData            map[string]any    `json:"appData"`
	Hostname           string            `json:"hostname"`
	IsOnline           bool              `json:"isOnline"`
	SupportedProtocols map[string]string `json:"supportedProtocols"`
	SyncStatus         string            `json:"syncStatus"`
}

func edgeRouterCommon(v *store.EdgeRouter) edgeRouterCommonView {
	d := edgeRouterCommonView{
		Base: base("edge-routers", v.ID, v.CreatedAt, v.UpdatedAt, v.Tags),
		Name: v.Name, Cost: v.Cost, NoTraversal: v.NoTraversal, Disabled: v.Disabled, AppData: v.AppData,
		SupportedProtocols: map[string]string{}, SyncStatus: "SYNC_NEW",
	}
	if d.AppData == nil {
		d.AppData = map[string]any{}
	}
	return d
}

type edgeRouterView struct {
	edgeRouterCommonView
	RoleAttributes        []string       `json:"roleAttributes"`
	IsTunnelerEnabled     bool           `json:"isTunnelerEnabled"`
	IsVerified            bool           `json:"isVerified"`
	Fingerprint           string         `json:"fingerprint,omitempty"`
	CertPEM               *string        `json:"certPem"`
	UnverifiedCertPEM     *string        `json:"unverifiedCertPem"`
	UnverifiedFingerprint *string        `json:"unverifiedFingerprint"`
	EnrollmentJWT         *string        `json:"enrollmentJwt"`
	EnrollmentToken       *string        `json:"enrollmentToken"`
	EnrollmentCreatedAt   *time.Time     `json:"enrollmentCreatedAt"`
	EnrollmentExpiresAt   *time.Time     `json:"enrollmentExpiresAt"`
	Configs               []string       `json:"configs"`
	CtrlChanListeners     map[string]any `json:"ctrlChanListeners"`
	Interfaces            []any          `json:"interfaces"`
}

func edgeRouterDetail(tx *store.Tx, v *store.EdgeRouter) *edgeRouterView {
	d := &edgeRouterView{
		edgeRouterCommonView: edgeRouterCommon(v),
		RoleAttributes:       orEmpty(v.RoleAttributes), IsTunnelerEnabled: v.IsTunnelerEnabled,
		IsVerified: v.IsVerified, Fingerprint: v.Fingerprint,
		Configs: []string{}, CtrlChanListeners: map[string]any{}, Interfaces: []any{},
	}
	if v.CertPEM != "" {
		p := v.CertPEM
		d.CertPEM = &p
	}
	if e, err := tx.EdgeRouterEnrollment(v.ID); err == nil {
		jwt, tok := e.JWT, e.Token
		created, exp := e.CreatedAt.UTC(), e.ExpiresAt.UTC()
		d.EnrollmentJWT, d.EnrollmentToken, d.EnrollmentCreatedAt, d.EnrollmentExpiresAt = &jwt, &tok, &created, &exp
	}
	d.Links["re-enroll"] = Link{Href: "./edge-routers/" + v.ID + "/re-enroll", Method: "POST"}
	return d
}
