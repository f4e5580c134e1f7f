package domain

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"net/http"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// EdgeRouterInput is the body of create, PUT and PATCH /edge-routers.
// Read-only fields that clients echo back (enrollmentJwt, isVerified, ...)
// are ignored.
type EdgeRouterInput struct {
	NamedInput
	RoleAttributes    *[]string      `json:"roleAttributes"`
	IsTunnelerEnabled *bool          `json:"isTunnelerEnabled"`
	Cost              *int64         `json:"cost"`
	NoTraversal       *bool          `json:"noTraversal"`
	Disabled          *bool          `json:"disabled"`
	AppData           map[string]any `json:"appData"`
}

// EdgeRouters are the rules of edge routers: a new router gets an erott
// enrollment.
var EdgeRouters = &Kind[store.EdgeRouter, EdgeRouterInput]{
	Name:  "edge router",
	Store: store.EdgeRouters,
	Apply: (*EdgeRouterInput).apply,
	Sync:  syncRouterIdentity,
	Prepare: func(_ *EdgeRouterInput, c *Controller, v *store.EdgeRouter) (func(*store.Tx) error, error) {
		e, err := c.NewRouterEnrollment(v.ID)
		if err != nil {
			return nil, err
		}
		return func(tx *store.Tx) error { return tx.PutEdgeRouterEnrollment(e) }, nil
	},
}

func (in *EdgeRouterInput) apply(v *store.EdgeRouter, keys Keys, patch bool) error {
	if err := SetRoles("roleAttributes", "role attributes", in.RoleAttributes, &v.RoleAttributes, keys, patch); err != nil {
		return err
	}
	SetBool("isTunnelerEnabled", in.IsTunnelerEnabled, &v.IsTunnelerEnabled, keys, patch)
	if err := SetCost("cost", in.Cost, &v.Cost, keys, patch); err != nil {
		return err
	}
	SetBool("noTraversal", in.NoTraversal, &v.NoTraversal, keys, patch)
	SetBool("disabled", in.Disabled, &v.Disabled, keys, patch)
	return SetTags("appData", in.AppData, &v.AppData, keys, patch)
}

// NewRouterEnrollment makes an erott token and its JWT (sub = router id).
func (c *Controller) NewRouterEnrollment(routerID string) (*store.Enrollment, error) {
	now := c.now()
	d := c.RouterEnrollmentDuration
	if d <= 0 {
		d = c.EnrollmentDuration
	}
	e := &store.Enrollment{ID: auth.RandomID(), Method: edgewire.MethodEROTT, RouterID: routerID, Token: auth.UUID(),
		ExpiresAt: now.Add(d).Truncate(time.Second), CreatedAt: now, UpdatedAt: now}
	jwt, err := c.Signer.Enrollment(c.IssuerURL, routerID, e.Token, edgewire.MethodEROTT, e.ExpiresAt)
	if err != nil {
		return nil, err
	}
	e.JWT = jwt
	return e, nil
}

// ReEnrollEdgeRouter issues a new erott token, which invalidates the old
// token and the router's certificate: the router must enroll again.
func (c *Controller) ReEnrollEdgeRouter(id string) error {
	e, err := c.NewRouterEnrollment(id)
	if err != nil {
		return err
	}
	return c.DB.Update(func(tx *store.Tx) error {
		v, err := tx.GetEdgeRouter(id)
		if err != nil {
			return NotFound("edge router", id)
		}
		v.IsVerified, v.Fingerprint, v.CertPEM, v.ServerCertPEM = false, "", "", ""
		v.UpdatedAt = c.now()
		if err := tx.PutEdgeRouter(v); err != nil {
			return err
		}
		return tx.PutEdgeRouterEnrollment(e)
	})
}

// RouterCerts are the certificates an edge router enrollment issues.
type RouterCerts struct {
	Client, Server *pki.Issued
}

// EnrollEdgeRouter completes the erott enrollment e (found by
// FindEnrollment): a client CSR (control plane) and a server CSR with the
// router's SANs (edge listeners) are both signed by the signing CA. The
// token is consumed in the same write transaction that stores the
// router's certificate, so it is single-use under concurrency.
func (c *Controller) EnrollEdgeRouter(token string, e *store.Enrollment, clientCSR, serverCSR *x509.CertificateRequest) (*RouterCerts, error) {
	if len(serverCSR.DNSNames) == 0 && len(serverCSR.IPAddresses) == 0 {
		return nil, &Error{Status: http.StatusBadRequest, Code: CodeCouldNotProcessCSR,
			Message: "the router's server CSR has no DNS or IP SANs: add the names and addresses clients use to reach the router",
			Cause:   &FieldError{Field: "serverCertCsr", Reason: "no subject alternative names"}}
	}
	clientIssued, err := c.SignClientCert(e.RouterID, clientCSR)
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, CodeCouldNotProcessCSR, "could not sign the router's client certificate request: %v", err)
	}
	serverIssued, err := pki.Issue(pki.Request{
		Kind: pki.KindServer, Subject: pkix.Name{CommonName: e.RouterID}, Validity: c.ClientCertValidity,
		DNSNames: serverCSR.DNSNames, IPAddresses: serverCSR.IPAddresses, URIs: serverCSR.URIs,
	}, serverCSR.PublicKey, nil, c.SigningCA)
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, CodeCouldNotProcessCSR, "could not sign the router's server certificate request: %v", err)
	}
	fp := pki.FingerprintSHA1(clientIssued.Cert)
	err = c.DB.Update(func(tx *store.Tx) error {
		cur, err := tx.EnrollmentByToken(token)
		if err != nil || cur.RouterID == "" {
			return invalidToken()
		}
		if err := c.checkUsable(cur, edgewire.MethodEROTT); err != nil {
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
		r.UpdatedAt = c.now()
		return tx.PutEdgeRouter(r)
	})
	if err != nil {
		return nil, err
	}
	c.logger().Info("edge router enrolled", "router", e.RouterID, "fingerprint", fp)
	return &RouterCerts{Client: clientIssued, Server: serverIssued}, nil
}

// RouterIdentityType is the identity type of a tunneler-enabled router's
// identity.
const RouterIdentityType = "Router"

// syncRouterIdentity does what OpenZiti does for a tunneler-enabled edge
// router: while isTunnelerEnabled is true the router has an identity of
// type Router (same id, same name) and a system edge router policy (same
// id, "edge-router-<id>-system", AnyOf) that lets that identity use the
// router. Turning it off deletes both (the router's deletion too, in
// store.EdgeRouters); renaming the router renames its identity.
func syncRouterIdentity(tx *store.Tx, old, v *store.EdgeRouter) error {
	was := old != nil && old.IsTunnelerEnabled
	switch {
	case v.IsTunnelerEnabled && !was:
		idn := &store.Identity{Named: store.Named{ID: v.ID, Name: v.Name, Tags: map[string]any{}, CreatedAt: v.UpdatedAt, UpdatedAt: v.UpdatedAt},
			TypeID: RouterIdentityType, AuthPolicyID: DefaultAuthPolicyID, DefaultHostingPrecedence: "default"}
		if err := store.Identities.Put(tx, idn); err != nil {
			return err
		}
		erp := &store.EdgeRouterPolicy{Policy: store.Policy{Named: store.Named{ID: v.ID, Name: "edge-router-" + v.ID + "-system", Tags: map[string]any{},
			CreatedAt: v.UpdatedAt, UpdatedAt: v.UpdatedAt}, Semantic: SemanticAnyOf},
			IdentityRoles: []string{"@" + v.ID}, EdgeRouterRoles: []string{"@" + v.ID}, IsSystem: true}
		return store.EdgeRouterPolicies.Put(tx, erp)
	case !v.IsTunnelerEnabled && was:
		return store.DropRouterIdentity(tx, v.ID)
	case v.IsTunnelerEnabled && old.Name != v.Name:
		idn, err := store.Identities.Get(tx, v.ID)
		if err != nil || idn.TypeID != RouterIdentityType {
			return nil //nolint:nilerr // no router identity to rename (as OpenZiti, which logs it)
		}
		idn.Name = v.Name
		return store.Identities.Put(tx, idn)
	}
	return nil
}
