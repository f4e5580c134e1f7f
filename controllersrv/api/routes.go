package api

import (
	"net/http"
	"slices"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// Routes is the routing table: every endpoint controllersrv serves, in one
// place. A named entity kind adds one line here, crud(path, kind), for its
// list, create, get, PUT, PATCH and delete endpoints (and a line per
// action of its own). Tests walk it (the reliability
// AuthZ matrix checks every route).
func Routes() []Route {
	get, post, put, patch, del := http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	return slices.Concat([]Route{
		// System and discovery.
		{get, "/version", Root, Public, version},
		{get, "/version", Both, Public, version},
		{get, "/health-checks", Root, Public, healthChecks},
		{get, edgewire.CACertsPath, Root, Public, estCACerts},
		// Both API specifications define it under their base path too; OpenZiti's
		// SDK enroller (ziti edge enroll) fetches it from the client API.
		{get, edgewire.CACertsPath, Both, Public, estCACerts},
		{get, "/enroll/jwks", Client, Public, jwks},

		// Authentication and the caller's own session, identity and certificates.
		{post, "/authenticate", Both, Public, authenticate},
		{get, "/current-api-session", Both, Session, currentAPISession},
		{del, "/current-api-session", Both, Session, logout},
		{get, "/current-identity", Both, Session, currentIdentity},
		{get, "/current-identity/authenticators", Both, Session, currentAuthenticators},
		{get, "/current-identity/authenticators/{id}", Both, Session, currentAuthenticator},
		{put, "/current-identity/authenticators/{id}", Both, Session, updateAuthenticator(false, true)},
		{patch, "/current-identity/authenticators/{id}", Both, Session, updateAuthenticator(true, true)},
		{post, "/current-identity/authenticators/{id}/extend", Both, Session, extendCurrentAuthenticator},
		{post, "/current-identity/authenticators/{id}/extend-verify", Both, Session, extendVerifyCurrentAuthenticator},

		// Enrollment (client API, authenticated by the token).
		{post, "/enroll", Client, Public, enroll},
		{post, "/enroll/ott", Client, Public, enrollOTTJSON},
		{post, "/enroll/updb", Client, Public, func(c *Ctx) error { return enrollUPDB(c, rawQueryParam(c.R, "token")) }},
		{post, "/enroll/ottca", Client, Public, enrollOTTCAJSON},
		{post, "/enroll/ca", Client, Public, enrollAutoCA},
		{post, "/enroll/erott", Client, Public, enrollEROTTJSON},

		// Management API.
		{get, "/identities/{id}/authenticators", Management, Admin, listIdentityAuthenticators},
		{get, "/identities/{id}/enrollments", Management, Admin, listIdentityEnrollments},

		{get, "/authenticators", Management, Admin, listAuthenticators},
		{get, "/authenticators/{id}", Management, Admin, getAuthenticator},
		{del, "/authenticators/{id}", Management, Admin, deleteAuthenticator},
		{put, "/authenticators/{id}", Management, Admin, updateAuthenticator(false, false)},
		{patch, "/authenticators/{id}", Management, Admin, updateAuthenticator(true, false)},
		{post, "/authenticators/{id}/re-enroll", Management, Admin, reEnrollAuthenticator},

		{get, "/enrollments", Management, Admin, listEnrollments},
		{post, "/enrollments", Management, Admin, createEnrollment},
		{get, "/enrollments/{id}", Management, Admin, getEnrollment},
		{del, "/enrollments/{id}", Management, Admin, deleteEnrollment},
		{post, "/enrollments/{id}/refresh", Management, Admin, refreshEnrollment},

		{post, "/cas/{id}/verify", Management, Admin, verifyCA},
		{get, "/cas/{id}/jwt", Management, Admin, getCAJWT},

		{post, "/edge-routers/{id}/re-enroll", Management, Admin, reEnrollEdgeRouter},

		{post, "/identities/{id}/disable", Management, Admin, disableIdentity},
		{post, "/identities/{id}/enable", Management, Admin, enableIdentity},

		{get, "/posture-check-types", Management, Admin, listPostureCheckTypes},
		{get, "/posture-check-types/{id}", Management, Admin, getPostureCheckType},

		// What SDKs and tunnelers ask for: the services the caller may dial
		// or bind, the routers it may use, whether anything changed.
		{get, "/services", Client, Session, listClientServices},
		{get, "/services/{id}", Client, Session, getClientService},
		{get, "/current-identity/edge-routers", Client, Session, listCurrentIdentityEdgeRouters},
		{get, "/current-api-session/service-updates", Client, Session, serviceUpdates},

		// The role attributes in use, per kind.
		{get, "/identity-role-attributes", Management, Admin, roleAttributes(store.Identities, func(v *store.Identity) []string { return v.RoleAttributes })},
		{get, "/service-role-attributes", Management, Admin, roleAttributes(store.Services, func(v *store.Service) []string { return v.RoleAttributes })},
		{get, "/edge-router-role-attributes", Management, Admin, roleAttributes(store.EdgeRouters, func(v *store.EdgeRouter) []string { return v.RoleAttributes })},
		{get, "/posture-check-role-attributes", Management, Admin, roleAttributes(store.PostureChecks, func(v *store.PostureCheck) []string { return v.RoleAttributes })},

		// Relationship lists: the related records, listed (filter, sort,
		// paging, detail) like their kind's own list.
		{get, "/config-types/{id}/configs", Management, Admin, related(store.ConfigTypes, "config type", configs, configTypeConfigs)},
		{get, "/configs/{id}/services", Management, Admin, related(store.Configs, "config", services, configServices)},
		{get, "/services/{id}/configs", Management, Admin, related(store.Services, "service", configs, serviceConfigs)},
		{get, "/services/{id}/identities", Management, Admin, related(store.Services, "service", identities, viaPolicies(domain.KindServicePolicy, domain.SideService, domain.SideIdentity, "policyType"))},
		{get, "/services/{id}/edge-routers", Management, Admin, related(store.Services, "service", edgeRouters, viaPolicies(domain.KindServiceEdgeRouterPolicy, domain.SideService, domain.SideEdgeRouter, ""))},
		{get, "/services/{id}/service-policies", Management, Admin, related(store.Services, "service", servicePolicies, policiesOf(domain.KindServicePolicy, domain.SideService))},
		{get, "/services/{id}/service-edge-router-policies", Management, Admin, related(store.Services, "service", serviceEdgeRouterPolicies, policiesOf(domain.KindServiceEdgeRouterPolicy, domain.SideService))},
		{get, "/services/{id}/terminators", Management, Admin, emptyList(store.Services, "service")},
		{get, "/identities/{id}/services", Management, Admin, related(store.Identities, "identity", services, viaPolicies(domain.KindServicePolicy, domain.SideIdentity, domain.SideService, "policyType"))},
		{get, "/identities/{id}/edge-routers", Management, Admin, related(store.Identities, "identity", edgeRouters, viaPolicies(domain.KindEdgeRouterPolicy, domain.SideIdentity, domain.SideEdgeRouter, ""))},
		{get, "/identities/{id}/service-policies", Management, Admin, related(store.Identities, "identity", servicePolicies, policiesOf(domain.KindServicePolicy, domain.SideIdentity))},
		{get, "/identities/{id}/edge-router-policies", Management, Admin, related(store.Identities, "identity", edgeRouterPolicies, policiesOf(domain.KindEdgeRouterPolicy, domain.SideIdentity))},
		{get, "/edge-routers/{id}/services", Management, Admin, related(store.EdgeRouters, "edge router", services, viaPolicies(domain.KindServiceEdgeRouterPolicy, domain.SideEdgeRouter, domain.SideService, ""))},
		{get, "/edge-routers/{id}/identities", Management, Admin, related(store.EdgeRouters, "edge router", identities, viaPolicies(domain.KindEdgeRouterPolicy, domain.SideEdgeRouter, domain.SideIdentity, ""))},
		{get, "/edge-routers/{id}/edge-router-policies", Management, Admin, related(store.EdgeRouters, "edge router", edgeRouterPolicies, policiesOf(domain.KindEdgeRouterPolicy, domain.SideEdgeRouter))},
		{get, "/edge-routers/{id}/service-edge-router-policies", Management, Admin, related(store.EdgeRouters, "edge router", serviceEdgeRouterPolicies, policiesOf(domain.KindServiceEdgeRouterPolicy, domain.SideEdgeRouter))},
		{get, "/service-policies/{id}/services", Management, Admin, related(store.ServicePolicies, "service policy", services, selectedBy(domain.SideService))},
		{get, "/service-policies/{id}/identities", Management, Admin, related(store.ServicePolicies, "service policy", identities, selectedBy(domain.SideIdentity))},
		{get, "/service-policies/{id}/posture-checks", Management, Admin, related(store.ServicePolicies, "service policy", postureChecks, selectedBy(domain.SidePostureCheck))},
		{get, "/edge-router-policies/{id}/identities", Management, Admin, related(store.EdgeRouterPolicies, "edge router policy", identities, selectedBy(domain.SideIdentity))},
		{get, "/edge-router-policies/{id}/edge-routers", Management, Admin, related(store.EdgeRouterPolicies, "edge router policy", edgeRouters, selectedBy(domain.SideEdgeRouter))},
		{get, "/service-edge-router-policies/{id}/services", Management, Admin, related(store.ServiceEdgeRouterPolicies, "service edge router policy", services, selectedBy(domain.SideService))},
		{get, "/service-edge-router-policies/{id}/edge-routers", Management, Admin, related(store.ServiceEdgeRouterPolicies, "service edge router policy", edgeRouters, selectedBy(domain.SideEdgeRouter))},
	},
		// Named entity kinds: list, create, get, PUT, PATCH and delete.
		crud("/identities", identities),
		crud("/cas", cas),
		crud("/edge-routers", edgeRouters),
		crud("/auth-policies", authPolicies),
		crud("/external-jwt-signers", externalJWTSigners),
		crud("/posture-checks", postureChecks),
		crud("/services", services),
		crud("/config-types", configTypes),
		crud("/configs", configs),
		crud("/service-policies", servicePolicies),
		crud("/edge-router-policies", edgeRouterPolicies),
		crud("/service-edge-router-policies", serviceEdgeRouterPolicies),
	)
}

// enrollMethods handles POST /enroll?method=<name>, the token in the query.
var enrollMethods = map[string]HandlerFunc{
	edgewire.MethodOTT:   func(c *Ctx) error { return enrollOTT(c, rawQueryParam(c.R, "token"), nil) },
	edgewire.MethodUPDB:  func(c *Ctx) error { return enrollUPDB(c, rawQueryParam(c.R, "token")) },
	edgewire.MethodOTTCA: func(c *Ctx) error { return enrollOTTCA(c, rawQueryParam(c.R, "token")) },
	"ca":                 enrollAutoCA,
	edgewire.MethodEROTT: func(c *Ctx) error { return enrollEROTT(c, rawQueryParam(c.R, "token"), nil) },
}

// authMethods verify credentials for POST /authenticate?method=<name>.
// Each returns the identity and authenticator ids, or an API error.
var authMethods = map[string]func(c *Ctx) (identityID, authenticatorID string, err error){
	"password": passwordAuth,
	// Certificates of the controller's own PKI keep the core path; others
	// are tried against the verified third-party CAs.
	"cert": certAuthAllowingExpired,
	// A JWT of a registered external JWT signer, as a bearer token.
	"ext-jwt": extJWTAuth,
}
