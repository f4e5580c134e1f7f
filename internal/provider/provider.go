package provider

import (
	"context"
	"sync"

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
				MarkdownDescription: "Edge management API URL (`https://ctrl.example.com:1280/edge/management/v1`) or `host:port`; `http://` is refused (the API is served only over TLS). Env: `ZITI_API_HOST`.",
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
	resp.ResourceData = data
	resp.DataSourceData = data
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
}

func (p *zitiProvider) Resources(_ context.Context) []func() resource.Resource {
	return append(pkiResources(), networkResources()...)
}

func (p *zitiProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return append(pkiDataSources(), networkDataSources()...)
}
