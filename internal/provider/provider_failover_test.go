package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func endpointList(es ...string) types.List {
	vs := make([]attr.Value, len(es))
	for i, e := range es {
		vs[i] = types.StringValue(e)
	}
	return types.ListValueMust(types.StringType, vs)
}

// passwordModel is a provider block with credentials and the given change.
func passwordModel(mod func(*providerModel)) *providerModel {
	m := nullModel()
	m.Username, m.Password = types.StringValue("admin"), types.StringValue("pw")
	mod(m)
	return m
}

func TestConfigureEndpoints(t *testing.T) {
	clearZitiEnv(t)
	var diags diag.Diagnostics
	d := configureNetwork(context.Background(), "test", passwordModel(func(m *providerModel) {
		m.Endpoints = endpointList("https://127.0.0.1:1281", "127.0.0.1:1282/edge/management/v1", "https://127.0.0.1:1283/")
	}), &diags)
	if diags.HasError() || d.client == nil {
		t.Fatalf("diags %v", diags)
	}
	if got := strings.Join(d.client.RootURLs(), " "); got != "https://127.0.0.1:1281 https://127.0.0.1:1282 https://127.0.0.1:1283" {
		t.Fatalf("roots %q", got)
	}

	// ZITI_API_HOST takes several, separated by commas.
	t.Setenv(envAPIHost, "127.0.0.1:1281, 127.0.0.1:1282")
	diags = nil
	d = configureNetwork(context.Background(), "test", passwordModel(func(*providerModel) {}), &diags)
	if diags.HasError() || strings.Join(d.client.RootURLs(), " ") != "https://127.0.0.1:1281 https://127.0.0.1:1282" {
		t.Fatalf("from %s: %v %v", envAPIHost, diags, d.client)
	}
}

func TestConfigureEndpointsMistakes(t *testing.T) {
	clearZitiEnv(t)
	for _, tc := range []struct {
		name string
		mod  func(*providerModel)
		path string
		want string
	}{
		{"both", func(m *providerModel) {
			m.Endpoint = types.StringValue("127.0.0.1:1")
			m.Endpoints = endpointList("127.0.0.1:2")
		}, "endpoints", "not both"},
		{"empty", func(m *providerModel) { m.Endpoint, m.Endpoints = types.StringNull(), endpointList() }, "endpoints", "is empty"},
		{"http", func(m *providerModel) {
			m.Endpoint, m.Endpoints = types.StringNull(), endpointList("https://127.0.0.1:1", "http://127.0.0.1:2")
		}, "endpoints[1]", "must use https"},
		{"twice", func(m *providerModel) {
			m.Endpoint, m.Endpoints = types.StringNull(), endpointList("127.0.0.1:1", "https://127.0.0.1:1/")
		}, "endpoints[1]", "list each controller once"},
		{"timeout", func(m *providerModel) { m.RequestTimeout = types.StringValue("30") }, "request_timeout", `such as "30s"`},
		{"negative wait", func(m *providerModel) { m.RetryWaitMin = types.StringValue("-1s") }, "retry_wait_min", "positive duration"},
		{"waits reversed", func(m *providerModel) {
			m.RetryWaitMin, m.RetryWaitMax = types.StringValue("10s"), types.StringValue("1s")
		}, "retry_wait_min", "at least retry_wait_min"},
		{"retries", func(m *providerModel) { m.MaxRetries = types.Int64Value(-1) }, "max_retries", "between 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			m := passwordModel(func(m *providerModel) { m.Endpoint = types.StringValue("127.0.0.1:1") })
			tc.mod(m)
			d := configureNetwork(context.Background(), "test", m, &diags)
			if !diags.HasError() || d.client != nil {
				t.Fatalf("want an error, got %v", diags)
			}
			e := diags.Errors()[0]
			wp, ok := e.(diag.DiagnosticWithPath)
			if !ok || wp.Path().String() != tc.path || !strings.Contains(e.Detail(), tc.want) {
				t.Fatalf("want an error on %s saying %q, got %v", tc.path, tc.want, diags)
			}
		})
	}
	t.Run("env", func(t *testing.T) {
		t.Setenv(envMaxRetries, "many")
		var diags diag.Diagnostics
		configureNetwork(context.Background(), "test", passwordModel(func(m *providerModel) { m.Endpoint = types.StringValue("127.0.0.1:1") }), &diags)
		if !diags.HasError() || !strings.Contains(diags[0].Detail(), envMaxRetries) {
			t.Fatalf("want an error naming %s, got %v", envMaxRetries, diags)
		}
	})
}

func TestConfigureRequestSettings(t *testing.T) {
	clearZitiEnv(t)
	t.Setenv(envRequestTimeout, "2s")
	var diags diag.Diagnostics
	s := requestSettingsFrom(passwordModel(func(m *providerModel) {
		m.MaxRetries = types.Int64Value(0)
		m.RetryWaitMax = types.StringValue("1m")
	}), &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if s.timeout.String() != "2s" || s.retries != -1 || s.waitMin != 0 || s.waitMax.String() != "1m0s" {
		t.Fatalf("settings %+v", s)
	}
	// Unknown during a plan: nothing is checked or built yet.
	m := passwordModel(func(m *providerModel) { m.Endpoints = types.ListUnknown(types.StringType) })
	diags = nil
	if d := configureNetwork(context.Background(), "test", m, &diags); !d.unknown || diags.HasError() {
		t.Fatalf("unknown endpoints: %v %+v", diags, d)
	}
}
