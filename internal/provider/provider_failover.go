package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// Environment fallbacks of the request settings.
const (
	envRequestTimeout = "ZITI_REQUEST_TIMEOUT"
	envMaxRetries     = "ZITI_MAX_RETRIES"
	envRetryWaitMin   = "ZITI_RETRY_WAIT_MIN"
	envRetryWaitMax   = "ZITI_RETRY_WAIT_MAX"
)

// maxRetriesLimit keeps max_retries sane: a request retried more often
// than this hides an outage instead of reporting it.
const maxRetriesLimit = 100

// endpointsUnknown reports whether the endpoints list or one of its
// elements is unknown during this plan.
func endpointsUnknown(l types.List) bool {
	if l.IsUnknown() {
		return true
	}
	for _, e := range l.Elements() {
		if e.IsUnknown() {
			return true
		}
	}
	return false
}

// controllerEndpoints returns the controllers the provider talks to, in
// order: endpoint, or endpoints, or ZITI_API_HOST (several separated by
// commas). Each is checked here, while planning, so that a mistake names
// its list element. nil with no diagnostic: none configured.
func controllerEndpoints(ctx context.Context, cfg *providerModel, diags *diag.Diagnostics) []string {
	one := !cfg.Endpoint.IsNull() && cfg.Endpoint.ValueString() != ""
	if cfg.Endpoints.IsNull() {
		if one {
			return []string{cfg.Endpoint.ValueString()}
		}
		var out []string
		for _, e := range strings.Split(os.Getenv(envAPIHost), ",") {
			if e = strings.TrimSpace(e); e != "" {
				out = append(out, e)
			}
		}
		return out
	}
	if one {
		diags.AddAttributeError(path.Root("endpoints"), "Conflicting controller endpoints",
			"Set either endpoint (one controller) or endpoints (the controllers of an HA cluster), not both.")
		return nil
	}
	var list []types.String
	diags.Append(cfg.Endpoints.ElementsAs(ctx, &list, false)...)
	if diags.HasError() {
		return nil
	}
	if len(list) == 0 {
		diags.AddAttributeError(path.Root("endpoints"), "No controller endpoints",
			"endpoints is empty: list the controllers (https://host:port or host:port), or leave it out.")
		return nil
	}
	out := make([]string, 0, len(list))
	seen := map[string]int{}
	for i, e := range list {
		at := path.Root("endpoints").AtListIndex(i)
		if e.IsNull() {
			diags.AddAttributeError(at, "Invalid controller endpoint", fmt.Sprintf("endpoints[%d] is null: give the controller's https://host:port.", i))
			continue
		}
		root, err := edgeapi.NormalizeEndpoint(e.ValueString())
		if err != nil {
			diags.AddAttributeError(at, "Invalid controller endpoint", fmt.Sprintf("endpoints[%d]: %v", i, err))
			continue
		}
		if j, dup := seen[root]; dup {
			diags.AddAttributeError(at, "Controller endpoint listed twice",
				fmt.Sprintf("endpoints[%d] and endpoints[%d] are both %s: list each controller once.", j, i, root))
			continue
		}
		seen[root] = i
		out = append(out, e.ValueString())
	}
	if diags.HasError() {
		return nil
	}
	return out
}

// requestSettings are the provider block's timeout and retry settings,
// as edgeapi.Config takes them (zero values: edgeapi's defaults).
type requestSettings struct {
	timeout, waitMin, waitMax time.Duration
	retries                   int
}

// requestSettingsFrom reads request_timeout, max_retries, retry_wait_min
// and retry_wait_max (or their environment variables) and checks them.
func requestSettingsFrom(cfg *providerModel, diags *diag.Diagnostics) requestSettings {
	var s requestSettings
	s.timeout = durationSetting(cfg.RequestTimeout, "request_timeout", envRequestTimeout, "30s", diags)
	s.waitMin = durationSetting(cfg.RetryWaitMin, "retry_wait_min", envRetryWaitMin, "250ms", diags)
	s.waitMax = durationSetting(cfg.RetryWaitMax, "retry_wait_max", envRetryWaitMax, "5s", diags)
	if s.waitMin > 0 && s.waitMax > 0 && s.waitMin > s.waitMax {
		diags.AddAttributeError(path.Root("retry_wait_min"), "Retry waits out of order",
			fmt.Sprintf("retry_wait_min (%v) is longer than retry_wait_max (%v): make retry_wait_max at least retry_wait_min.", s.waitMin, s.waitMax))
	}
	n, set := int64(0), false
	if !cfg.MaxRetries.IsNull() {
		n, set = cfg.MaxRetries.ValueInt64(), true
	} else if v := strings.TrimSpace(os.Getenv(envMaxRetries)); v != "" {
		var err error
		if n, err = strconv.ParseInt(v, 10, 64); err != nil {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
				fmt.Sprintf("%s = %q is not a whole number: set it to e.g. 4 (0 sends every request once).", envMaxRetries, v))
			return s
		}
		set = true
	}
	if set {
		if n < 0 || n > maxRetriesLimit {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
				fmt.Sprintf("max_retries (or %s) is %d: it must be between 0 (send every request once) and %d.", envMaxRetries, n, maxRetriesLimit))
			return s
		}
		s.retries = int(n)
		if n == 0 {
			s.retries = -1 // edgeapi: negative disables, zero is its default
		}
	}
	return s
}

// durationSetting parses a duration attribute (or its environment
// variable); 0 when neither is set.
func durationSetting(v types.String, attr, env, example string, diags *diag.Diagnostics) time.Duration {
	s, from := v.ValueString(), attr
	if v.IsNull() {
		s, from = strings.TrimSpace(os.Getenv(env)), env
	}
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		diags.AddAttributeError(path.Root(attr), "Invalid "+attr,
			fmt.Sprintf("%s = %q is not a positive duration: write a Go duration such as %q.", from, s, example))
		return 0
	}
	return d
}
