package provider

import "github.com/zitiform/terraform-provider-ziti/internal/edgeapi"

// rolesOf is one role list of a policy: its attribute name, what a create
// sent and what the controller has.
type rolesOf struct {
	attr      string
	sent, has []string
}

// policyDiffers names the first of a policy's shared attributes (semantic,
// its role lists, tags) in which what a create sent and what the
// controller has differ, or "". The kinds' differs functions end with it.
func policyDiffers(sentSemantic, hasSemantic string, sentTags, hasTags edgeapi.Tags, roles ...rolesOf) string {
	if sentSemantic != hasSemantic {
		return "semantic"
	}
	for _, r := range roles {
		if !sameStrings(r.sent, r.has) {
			return r.attr
		}
	}
	if !sameTags(sentTags, hasTags) {
		return "tags"
	}
	return ""
}
