package store

// Every bucket of the database is declared in this file, and Open creates
// exactly the ones listed in buckets. A new entity kind adds its record
// bucket and its index buckets here, and its list-usable unique indexes to
// uniqueIndexes.

// Record buckets: one JSON record per id.
const (
	BucketIdentities     = "identities"
	BucketEnrollments    = "enrollments"
	BucketAuthenticators = "authenticators"
	BucketCAs            = "cas"
	BucketEdgeRouters    = "edgeRouters"
	BucketCertExtensions = "certExtensions" // authenticator id -> pending extension
	BucketMeta           = "meta"
)

// Index buckets map a value to the id of the record holding it.
const (
	idxIdentityName       = "idx.identities.name"
	idxIdentityExtID      = "idx.identities.externalId"
	idxEnrollmentToken    = "idx.enrollments.token"
	idxEnrollIdentity     = "idx.enrollments.identity" // identityId + "/" + enrollmentId -> enrollmentId
	idxAuthFingerprint    = "idx.authenticators.fingerprint"
	idxAuthUsername       = "idx.authenticators.username"
	idxAuthIdentity       = "idx.authenticators.identity" // identityId + "/" + authId -> authId
	idxCAName             = "idx.cas.name"
	idxCAFingerprint      = "idx.cas.fingerprint"
	idxEdgeRouterName     = "idx.edgeRouters.name"
	idxEdgeRouterEnroll   = "idx.edgeRouters.enrollment" // router id -> enrollment id
	idxEdgeRouterFingerpr = "idx.edgeRouters.fingerprint"
)

// buckets is every bucket Open creates.
var buckets = []string{
	BucketIdentities, idxIdentityName, idxIdentityExtID,
	BucketEnrollments, idxEnrollmentToken, idxEnrollIdentity,
	BucketAuthenticators, idxAuthFingerprint, idxAuthUsername, idxAuthIdentity,
	BucketCAs, idxCAName, idxCAFingerprint,
	BucketEdgeRouters, idxEdgeRouterName, idxEdgeRouterEnroll, idxEdgeRouterFingerpr,
	BucketCertExtensions,
	BucketMeta,
}

// uniqueIndexes lists, per record bucket, the unique indexes that list
// endpoints may use, keyed by the field's API (JSON) name. An index listed
// here must hold exactly the value the API filters on, unchanged.
var uniqueIndexes = map[string]map[string]Index{
	BucketIdentities:     {"name": {idxIdentityName, true}, "externalId": {idxIdentityExtID, false}},
	BucketEnrollments:    {"token": {idxEnrollmentToken, true}},
	BucketAuthenticators: {"fingerprint": {idxAuthFingerprint, false}, "username": {idxAuthUsername, false}},
	BucketCAs:            {"name": {idxCAName, true}, "fingerprint": {idxCAFingerprint, true}},
	BucketEdgeRouters:    {"name": {idxEdgeRouterName, true}, "fingerprint": {idxEdgeRouterFingerpr, false}},
}
