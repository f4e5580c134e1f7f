package api

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/filter"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

var edgeRouterFilterable = []string{"id", "name", "roleAttributes", "isTunnelerEnabled", "cost", "noTraversal", "disabled", "isVerified", "fingerprint", "createdAt", "updatedAt"}

func edgeRouterFields(v *store.EdgeRouter) filter.Fields {
	return func(name string) (any, bool) {
		switch name {
		case "id":
			return v.ID, true
		case "name":
			return v.Name, true
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
		case "createdAt":
			return v.CreatedAt.UTC().Format(time.RFC3339Nano), true
		case "updatedAt":
			return v.UpdatedAt.UTC().Format(time.RFC3339Nano), true
		}
		return tagField(v.Tags, name)
	}
}

// edgeRouterInput is the body of create, PUT and PATCH. Read-only fields
// that clients echo back (enrollmentJwt, isVerified, ...) are ignored.
type edgeRouterInput struct {
	Name              *string        `json:"name"`
	RoleAttributes    *[]string      `json:"roleAttributes"`
	IsTunnelerEnabled *bool          `json:"isTunnelerEnabled"`
	Cost              *int64         `json:"cost"`
	NoTraversal       *bool          `json:"noTraversal"`
	Disabled          *bool          `json:"disabled"`
	AppData           map[string]any `json:"appData"`
	Tags              map[string]any `json:"tags"`
}

func (in *edgeRouterInput) apply(v *store.EdgeRouter, present map[string]bool, patch bool) error {
	has := func(k string) bool { return !patch || present[k] }
	if has("name") {
		if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
			return FieldInvalid("name", "", "must be a non-empty string")
		}
		if len(*in.Name) > 255 {
			return FieldInvalid("name", "", "must be at most 255 characters")
		}
		v.Name = *in.Name
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
	if has("isTunnelerEnabled") {
		v.IsTunnelerEnabled = in.IsTunnelerEnabled != nil && *in.IsTunnelerEnabled
	}
	if has("cost") {
		v.Cost = 0
		if in.Cost != nil {
			if *in.Cost < 0 || *in.Cost > 65535 {
				return FieldInvalid("cost", *in.Cost, "must be between 0 and 65535")
			}
			v.Cost = *in.Cost
		}
	}
	if has("noTraversal") {
		v.NoTraversal = in.NoTraversal != nil && *in.NoTraversal
	}
	if has("disabled") {
		v.Disabled = in.Disabled != nil && *in.Disabled
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

// newRouterEnrollment makes an erott token and its JWT (sub = router id).
func (a *API) newRouterEnrollment(routerID string) (*store.Enrollment, error) {
	now := a.now()
	d := a.RouterEnrollmentDuration
	if d <= 0 {
		d = a.EnrollmentDuration
	}
	e := &store.Enrollment{ID: auth.RandomID(), Method: "erott", RouterID: routerID, Token: auth.UUID(),
		ExpiresAt: now.Add(d).Truncate(time.Second), CreatedAt: now, UpdatedAt: now}
	jwt, err := a.Signer.Enrollment(a.IssuerURL, routerID, e.Token, "erott", e.ExpiresAt)
	if err != nil {
		return nil, err
	}
	e.JWT = jwt
	return e, nil
}

// listEdgeRouters serves GET /edge-routers.
var listEdgeRouters = listEntities(edgeRouterFilterable, store.BucketEdgeRouters, edgeRouterFields,
	func(_ *Ctx, tx *store.Tx, v *store.EdgeRouter) (any, error) { return edgeRouterDetail(tx, v), nil })

func createEdgeRouter(c *Ctx) error {
	var in edgeRouterInput
	keys, err := c.decodeWithKeys(&in)
	if err != nil {
		return err
	}
	if in.Name == nil {
		return FieldInvalid("name", "", "is required")
	}
	now := c.API.now()
	v := &store.EdgeRouter{Named: store.Named{ID: auth.RandomID(), CreatedAt: now, UpdatedAt: now}}
	if err := in.apply(v, keys, false); err != nil {
		return err
	}
	e, err := c.API.newRouterEnrollment(v.ID)
	if err != nil {
		return err
	}
	err = c.API.DB.Update(func(tx *store.Tx) error {
		if err := tx.PutEdgeRouter(v); err != nil {
			return err
		}
		return tx.PutEdgeRouterEnrollment(e)
	})
	if err != nil {
		return err
	}
	c.API.Logger.Info("edge router created", "id", v.ID, "name", v.Name, "by", c.Identity.ID)
	return c.Created("edge-routers", v.ID)
}

func getEdgeRouter(c *Ctx) error {
	id := c.R.PathValue("id")
	var d any
	err := c.API.DB.View(func(tx *store.Tx) error {
		v, err := tx.GetEdgeRouter(id)
		if err != nil {
			return NotFound("edge router", id)
		}
		d = edgeRouterDetail(tx, v)
		return nil
	})
	if err != nil {
		return err
	}
	return c.OK(d)
}

// updateEdgeRouter serves PUT and PATCH /edge-routers/{id}.
var updateEdgeRouter = updateHandler(updateSpec[store.EdgeRouter, edgeRouterInput]{
	kind: "edge router",
	check: func(in *edgeRouterInput, _ map[string]bool, patch bool) error {
		if !patch && in.Name == nil {
			return FieldInvalid("name", "", "is required")
		}
		return nil
	},
	get:   (*store.Tx).GetEdgeRouter,
	apply: (*edgeRouterInput).apply,
	put:   (*store.Tx).PutEdgeRouter,
	touch: func(v *store.EdgeRouter, now time.Time) { v.UpdatedAt = now },
})

func deleteEdgeRouter(c *Ctx) error {
	id := c.R.PathValue("id")
	err := c.API.DB.Update(func(tx *store.Tx) error {
		if err := tx.DeleteEdgeRouter(id); err != nil {
			return NotFound("edge router", id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.Empty()
}

// reEnrollEdgeRouter issues a new erott token, which invalidates the old
// token and the router's certificate: the router must enroll again.
func reEnrollEdgeRouter(c *Ctx) error {
	id := c.R.PathValue("id")
	e, err := c.API.newRouterEnrollment(id)
	if err != nil {
		return err
	}
	err = c.API.DB.Update(func(tx *store.Tx) error {
		v, err := tx.GetEdgeRouter(id)
		if err != nil {
			return NotFound("edge router", id)
		}
		v.IsVerified, v.Fingerprint, v.CertPEM, v.ServerCertPEM = false, "", "", ""
		v.UpdatedAt = c.API.now()
		if err := tx.PutEdgeRouter(v); err != nil {
			return err
		}
		return tx.PutEdgeRouterEnrollment(e)
	})
	if err != nil {
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

// enrollEROTT enrolls an edge router: a client CSR (control plane) and a
// server CSR with the router's SANs (edge listeners) are both signed by
// the signing CA. The token is consumed in the same write transaction that
// stores the router's certificate, so it is single-use under concurrency.
func enrollEROTT(c *Ctx, token string, csrs *routerCSRs) error {
	e, err := c.API.FindEnrollment(token, "erott")
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
	if len(serverCSR.DNSNames) == 0 && len(serverCSR.IPAddresses) == 0 {
		return &Error{Status: http.StatusBadRequest, Code: CodeCouldNotProcessCSR,
			Message: "the router's server CSR has no DNS or IP SANs: add the names and addresses clients use to reach the router",
			Cause:   &FieldError{Field: "serverCertCsr", Reason: "no subject alternative names"}}
	}
	clientIssued, err := c.API.SignClientCert(e.RouterID, clientCSR)
	if err != nil {
		return Errorf(http.StatusBadRequest, CodeCouldNotProcessCSR, "could not sign the router's client certificate request: %v", err)
	}
	serverIssued, err := pki.Issue(pki.Request{
		Kind: pki.KindServer, Subject: pkix.Name{CommonName: e.RouterID}, Validity: c.API.ClientCertValidity,
		DNSNames: serverCSR.DNSNames, IPAddresses: serverCSR.IPAddresses, URIs: serverCSR.URIs,
	}, serverCSR.PublicKey, nil, c.API.SigningCA)
	if err != nil {
		return Errorf(http.StatusBadRequest, CodeCouldNotProcessCSR, "could not sign the router's server certificate request: %v", err)
	}
	fp := pki.FingerprintSHA1(clientIssued.Cert)
	err = c.API.DB.Update(func(tx *store.Tx) error {
		cur, err := tx.EnrollmentByToken(token)
		if err != nil || cur.RouterID == "" {
			return invalidToken()
		}
		if err := c.API.checkUsable(cur, "erott"); err != nil {
			return err
		}
		r, err := tx.GetEdgeRouter(cur.RouterID)
		if err != nil {
			return invalidToken()
		}
		if err := tx.DeleteEnrollment(cur.ID); err != nil {
			return err
		}
		r.IsVerified, r.Fingerprint = true, fp
		r.CertPEM = string(pki.EncodeCertsPEM(clientIssued.Cert))
		r.ServerCertPEM = string(pki.EncodeCertsPEM(serverIssued.Cert))
		r.UpdatedAt = c.API.now()
		return tx.PutEdgeRouter(r)
	})
	if err != nil {
		return err
	}
	c.API.Logger.Info("edge router enrolled", "router", e.RouterID, "fingerprint", fp)
	return c.OK(map[string]any{
		"cert":       string(pki.EncodeCertsPEM(clientIssued.Chain...)),
		"serverCert": string(pki.EncodeCertsPEM(serverIssued.Chain...)),
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

type edgeRouterView struct {
	Base
	Name                  string            `json:"name"`
	RoleAttributes        []string          `json:"roleAttributes"`
	IsTunnelerEnabled     bool              `json:"isTunnelerEnabled"`
	Cost                  int64             `json:"cost"`
	NoTraversal           bool              `json:"noTraversal"`
	Disabled              bool              `json:"disabled"`
	AppData               map[string]any    `json:"appData"`
	Hostname              string            `json:"hostname"`
	IsOnline              bool              `json:"isOnline"`
	SupportedProtocols    map[string]string `json:"supportedProtocols"`
	SyncStatus            string            `json:"syncStatus"`
	IsVerified            bool              `json:"isVerified"`
	Fingerprint           string            `json:"fingerprint,omitempty"`
	CertPEM               *string           `json:"certPem"`
	UnverifiedCertPEM     *string           `json:"unverifiedCertPem"`
	UnverifiedFingerprint *string           `json:"unverifiedFingerprint"`
	EnrollmentJWT         *string           `json:"enrollmentJwt"`
	EnrollmentToken       *string           `json:"enrollmentToken"`
	EnrollmentCreatedAt   *time.Time        `json:"enrollmentCreatedAt"`
	EnrollmentExpiresAt   *time.Time        `json:"enrollmentExpiresAt"`
	Configs               []string          `json:"configs"`
	CtrlChanListeners     map[string]any    `json:"ctrlChanListeners"`
	Interfaces            []any             `json:"interfaces"`
}

func edgeRouterDetail(tx *store.Tx, v *store.EdgeRouter) *edgeRouterView {
	d := &edgeRouterView{
		Base: base("edge-routers", v.ID, v.CreatedAt, v.UpdatedAt, v.Tags),
		Name: v.Name, RoleAttributes: v.RoleAttributes, IsTunnelerEnabled: v.IsTunnelerEnabled, Cost: v.Cost,
		NoTraversal: v.NoTraversal, Disabled: v.Disabled, AppData: v.AppData,
		SupportedProtocols: map[string]string{}, SyncStatus: "SYNC_NEW",
		IsVerified: v.IsVerified, Fingerprint: v.Fingerprint,
		Configs: []string{}, CtrlChanListeners: map[string]any{}, Interfaces: []any{},
	}
	if d.RoleAttributes == nil {
		d.RoleAttributes = []string{}
	}
	if d.AppData == nil {
		d.AppData = map[string]any{}
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
