package store

// Every bucket of the database is declared in this file, and Open creates
// exactly the ones listed in buckets. A new entity kind adds the names of
// its record bucket and index buckets here and its Kind value to kinds.

// Record buckets: one JSON record per id.
const (
	BucketIdentities     = "identities"
	BucketEnrollments    = "enrollments"
	BucketAuthenticators = "authenticators"
	BucketCAs            = "cas"
	BucketEdgeRouters    = "edgeRouters"
	BucketCertExtensions = "certExtensions" // authenticator id -> pending extension
	BucketAuthPolicies   = "authPolicies"
	BucketExtJWTSigners  = "externalJwtSigners"
	BucketPostureChecks  = "postureChecks"
	BucketAPISessions    = "apiSessions"
	BucketMeta           = "meta"

	BucketServices                  = "services"
	BucketConfigTypes               = "configTypes"
	BucketConfigs                   = "configs"
	BucketServicePolicies           = "servicePolicies"
	BucketEdgeRouterPolicies        = "edgeRouterPolicies"
	BucketServiceEdgeRouterPolicies = "serviceEdgeRouterPolicies"
)

// Index buckets map a value to the id of the record holding it.
const (
	idxIdentityName            = "idx.identities.name"
	idxIdentityExtID           = "idx.identities.externalId"
	idxEnrollmentToken         = "idx.enrollments.token"
	idxEnrollIdentity          = "idx.enrollments.identity" // identityId + "/" + enrollmentId -> enrollmentId
	idxAuthFingerprint         = "idx.authenticators.fingerprint"
	idxAuthUsername            = "idx.authenticators.username"
	idxAuthIdentity            = "idx.authenticators.identity" // identityId + "/" + authId -> authId
	idxCAName                  = "idx.cas.name"
	idxCAFingerprint           = "idx.cas.fingerprint"
	idxEdgeRouterName          = "idx.edgeRouters.name"
	idxEdgeRouterEnroll        = "idx.edgeRouters.enrollment" // router id -> enrollment id
	idxEdgeRouterFingerpr      = "idx.edgeRouters.fingerprint"
	idxAuthPolicyName          = "idx.authPolicies.name"
	idxExtJWTSignerName        = "idx.externalJwtSigners.name"
	idxExtJWTSignerIssuer      = "idx.externalJwtSigners.issuer"
	idxExtJWTSignerKid         = "idx.externalJwtSigners.kid"
	idxExtJWTSignerFingerprint = "idx.externalJwtSigners.fingerprint"
	idxPostureCheckName        = "idx.postureChecks.name"
	idxAPISessionIdentity      = "idx.apiSessions.identity" // identityId + "/" + sessionId -> sessionId

	idxServiceName                 = "idx.services.name"
	idxConfigTypeName              = "idx.configTypes.name"
	idxConfigName                  = "idx.configs.name"
	idxServicePolicyName           = "idx.servicePolicies.name"
	idxEdgeRouterPolicyName        = "idx.edgeRouterPolicies.name"
	idxServiceEdgeRouterPolicyName = "idx.serviceEdgeRouterPolicies.name"
)

// kinds lists every entity kind; Open creates their record and index
// buckets. A new kind adds its Kind value here.
var kinds = []schema{Identities, Enrollments, Authenticators, CAs, EdgeRouters, AuthPolicies, ExternalJWTSigners, PostureChecks,
	APISessions, Services, ConfigTypes, Configs, ServicePolicies, EdgeRouterPolicies, ServiceEdgeRouterPolicies}

// buckets is every bucket Open creates: those of the kinds, plus buckets
// that belong to no kind.
var buckets = append(kindBuckets(),
	idxEdgeRouterEnroll, // kept by PutEdgeRouterEnrollment
	BucketCertExtensions,
	BucketMeta,
)

// uniqueIndexes lists, per record bucket, the unique indexes that list
// endpoints may use, keyed by the field's API (JSON) name.
var uniqueIndexes = kindListIndexes()

func kindBuckets() []string {
	var out []string
	for _, k := range kinds {
		out = append(out, k.buckets()...)
	}
	return out
}

func kindListIndexes() map[string]map[string]Index {
	out := map[string]map[string]Index{}
	for _, k := range kinds {
		bucket, byField := k.listIndexes()
		out[bucket] = byField
	}
	return out
}
