package provider

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/zitiform/ziti"

var _ provider.Provider = (*zitiProvider)(nil)

type zitiProvider struct {
	version string
	// now is the clock of plan-time expiry decisions; nil is time.Now.
	// Tests set it to see a token expire without waiting for it.
	now func() time.Time
}

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &zitiProvider{version: version} }
}

// providerModel is the provider block. Every field may be unknown at plan
// time because it often comes from a ziti_pki_* resource in the same config.
type providerModel struct {
	Endpoint           types.String `tfsdk:"endpoint"`
	Username           types.String `tfsdk:"username"`
	Password           types.String `tfsdk:"password"`
	IdentityFile       types.String `tfsdk:"identity_file"`
	CertPEM            types.String `tfsdk:"cert_pem"`
	KeyPEM             types.String `tfsdk:"key_pem"`
	CAPEM              types.String `tfsdk:"ca_pem"`
	CAFile             types.String `tfsdk:"ca_file"`
	InsecureSkipVerify types.Bool   `tfsdk:"insecure_skip_verify"`
	Endpoints          types.List   `tfsdk:"endpoints"`
	RequestTimeout     types.String `tfsdk:"request_timeout"`
	MaxRetries         types.Int64  `tfsdk:"max_retries"`
	RetryWaitMin       types.String `tfsdk:"retry_wait_min"`
	RetryWaitMax       types.String `tfsdk:"retry_wait_max"`
}

func (p *zitiProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "ziti"
	resp.Version = p.version
}

func (p *zitiProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Bootstraps OpenZiti-style zero-trust networks: the PKI tree (offline, no controller needed) " +
			"and identities, third-party CAs, edge routers and enrollments on a controller's Edge management API.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Edge management API URL (`https://ctrl.example.com:1280/edge/management/v1`) or `host:port`; `http://` is refused (the API is served only over TLS). Env: `ZITI_API_HOST`. For an HA cluster use `endpoints`.",
			},
			"endpoints": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The controllers of one network (the members of an HA cluster), in the forms `endpoint` takes, instead of `endpoint`. " +
					"The provider uses the first and moves to the next when the one in use stops answering (connection refused, reset or timed out, " +
					"or a 502, 503 or 504 answer); reads, updates and deletes are sent again there, and a create whose answer was lost is looked up by its name " +
					"before it is sent again. All must serve certificates that `ca_pem`/`ca_file` verifies. Env: `ZITI_API_HOST` with the URLs separated by commas.",
			},
			"request_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How long one HTTP request to a controller may take before it is given up and retried (on the next endpoint, if any), " +
					"as a Go duration (`\"30s\"`, `\"1m30s\"`). Connecting and the TLS handshake get at most 10s of it. Default `\"30s\"`. Env: `ZITI_REQUEST_TIMEOUT`.",
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How often a failed request is sent again (on the same controller or the next endpoint) before the error is reported; `0` sends every request once. " +
					"With several `endpoints` each is tried at least once. Default `4`. Env: `ZITI_MAX_RETRIES`.",
			},
			"retry_wait_min": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The first wait before a request is sent again to a controller it already tried; it doubles with each retry up to `retry_wait_max` (a Go duration). A move to an endpoint not yet tried is immediate. Default `\"250ms\"`. Env: `ZITI_RETRY_WAIT_MIN`.",
			},
			"retry_wait_max": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The longest wait between retries, also the cap on a controller's `Retry-After` (a Go duration). Default `\"5s\"`. Env: `ZITI_RETRY_WAIT_MAX`.",
			},
			"username": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Username for password authentication. Env: `ZITI_USERNAME`.",
			},
			"password": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Password for password authentication. Env: `ZITI_PASSWORD`.",
			},
			"identity_file": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path to an OpenZiti identity JSON file (`ztAPI`, `id.cert`, `id.key`, `id.ca`) for certificate authentication. Env: `ZITI_IDENTITY_FILE`.",
			},
			"cert_pem": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Client certificate (PEM) for certificate authentication.",
			},
			"key_pem": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Private key (PEM) of `cert_pem`.",
			},
			"ca_pem": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "CA bundle (PEM) that verifies the controller's TLS certificate, e.g. a `ziti_pki_*` resource's `ca_bundle_pem`.",
			},
			"ca_file": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path to the CA bundle that verifies the controller's TLS certificate. Env: `ZITI_CA_FILE`.",
			},
			"insecure_skip_verify": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip TLS verification of the controller. Only for throwaway labs: it is reported as a warning on every run.",
			},
		},
	}
}

func (p *zitiProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := configureNetwork(ctx, p.version, &cfg, &resp.Diagnostics)
	data.now = p.now
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
}

// providerData is handed to every resource and data source. PKI resources
// ignore it; network resources take their controller client from it (see
// provider_network.go).
type providerData struct {
	version string
	// client is nil when the provider has no controller configured (PKI-only
	// use) or when its configuration was unknown at plan time.
	client *edgeapi.Client
	// unknown: some provider argument is unknown during this plan (it comes
	// from a resource not yet created), so network resources plan without
	// calling the controller.
	unknown bool
	// missing explains why no controller is configured; network resources
	// report it as their one diagnostic.
	missing string
	// reportOnce makes "no controller configured" a single diagnostic.
	reportOnce sync.Once
	// now is the provider's clock (see clock).
	now func() time.Time
}

func (p *zitiProvider) Resources(_ context.Context) []func() resource.Resource {
	return append(pkiResources(), networkResources()...)
}

func (p *zitiProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return append(pkiDataSources(), networkDataSources()...)
}
