package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"gopkg.in/yaml.v3"

	"github.com/zitiform/terraform-provider-ziti/internal/provider/validators"
)

// NewControllerConfigDataSource is data "ziti_controller_config": the
// OpenZiti controller YAML (config version 3) with its three identities
// wired to separate ICAs (control plane, Edge API TLS, enrollment signing).
func NewControllerConfigDataSource() datasource.DataSource { return &controllerConfigDataSource{} }

type controllerConfigDataSource struct{}

var (
	_ datasource.DataSource                   = (*controllerConfigDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*controllerConfigDataSource)(nil)
)

type controllerConfigModel struct {
	ID                         types.String        `tfsdk:"id"`
	Identity                   *identityFilesModel `tfsdk:"identity"`
	WebIdentity                *identityFilesModel `tfsdk:"web_identity"`
	SigningCert                *signingCertModel   `tfsdk:"signing_cert"`
	AdvertisedAddress          types.String        `tfsdk:"advertised_address"`
	BindAddress                types.String        `tfsdk:"bind_address"`
	CtrlListener               types.String        `tfsdk:"ctrl_listener"`
	CtrlAdvertiseAddress       types.String        `tfsdk:"ctrl_advertise_address"`
	TrustDomain                types.String        `tfsdk:"trust_domain"`
	DBPath                     types.String        `tfsdk:"db_path"`
	WebName                    types.String        `tfsdk:"web_name"`
	APIs                       types.List          `tfsdk:"apis"`
	IdentityEnrollmentDuration types.String        `tfsdk:"identity_enrollment_duration"`
	RouterEnrollmentDuration   types.String        `tfsdk:"router_enrollment_duration"`
	YAML                       types.String        `tfsdk:"yaml"`
}

type identityFilesModel struct {
	Cert       types.String `tfsdk:"cert"`
	ServerCert types.String `tfsdk:"server_cert"`
	Key        types.String `tfsdk:"key"`
	ServerKey  types.String `tfsdk:"server_key"`
	CA         types.String `tfsdk:"ca"`
}

type signingCertModel struct {
	Cert types.String `tfsdk:"cert"`
	Key  types.String `tfsdk:"key"`
}

// The YAML documents below follow the OpenZiti controller configuration
// (v: 3) key for key; controllersrv reads the same shape. Field order is
// the order in the rendered file.
type ctrlConfigYAML struct {
	V           int             `yaml:"v"`
	DB          string          `yaml:"db"`
	Identity    identityYAML    `yaml:"identity"`
	TrustDomain string          `yaml:"trustDomain,omitempty"`
	Ctrl        ctrlSectionYAML `yaml:"ctrl"`
	Edge        edgeYAML        `yaml:"edge"`
	Web         []webYAML       `yaml:"web"`
}

type identityYAML struct {
	Cert       string `yaml:"cert"`
	ServerCert string `yaml:"server_cert"`
	Key        string `yaml:"key"`
	ServerKey  string `yaml:"server_key,omitempty"`
	CA         string `yaml:"ca"`
}

type ctrlSectionYAML struct {
	Listener string           `yaml:"listener"`
	Options  *ctrlOptionsYAML `yaml:"options,omitempty"`
}

type ctrlOptionsYAML struct {
	AdvertiseAddress string `yaml:"advertiseAddress"`
}

type edgeYAML struct {
	API        edgeAPIYAML    `yaml:"api"`
	Enrollment enrollmentYAML `yaml:"enrollment"`
}

type edgeAPIYAML struct {
	SessionTimeout string `yaml:"sessionTimeout"`
	Address        string `yaml:"address"`
}

type enrollmentYAML struct {
	SigningCert  signingCertYAML `yaml:"signingCert"`
	EdgeIdentity durationYAML    `yaml:"edgeIdentity"`
	EdgeRouter   durationYAML    `yaml:"edgeRouter"`
}

type signingCertYAML struct {
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
}

type durationYAML struct {
	Duration string `yaml:"duration"`
}

type webYAML struct {
	Name       string          `yaml:"name"`
	BindPoints []bindPointYAML `yaml:"bindPoints"`
	Identity   identityYAML    `yaml:"identity"`
	APIs       []webAPIYAML    `yaml:"apis"`
}

type bindPointYAML struct {
	Interface string `yaml:"interface"`
	Address   string `yaml:"address"`
}

type webAPIYAML struct {
	Binding string `yaml:"binding"`
}

// webAPIs are the API bindings an OpenZiti controller's web section knows.
var webAPIs = []string{"edge-management", "edge-client", "edge-oidc", "health-checks", "fabric"}

// defaultWebAPIs: edge-oidc too, because OpenZiti clients (the SDKs, `ziti
// edge login`) authenticate through OIDC when the controller offers it, as
// `ziti create config controller` does.
var defaultWebAPIs = []string{"edge-management", "edge-client", "edge-oidc", "health-checks"}

func (d *controllerConfigDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_controller_config"
}

func identityAttr(desc string, withServer bool) schema.SingleNestedAttribute {
	attrs := map[string]schema.Attribute{
		"cert": schema.StringAttribute{Required: true, MarkdownDescription: "Path of the client certificate (`<ca>/certs/<client>.cert`)."},
		"key":  schema.StringAttribute{Required: true, MarkdownDescription: "Path of the private key of `cert` (and of `server_cert` unless `server_key` is set)."},
		"ca":   schema.StringAttribute{Required: true, MarkdownDescription: "Path of the CA bundle up to the root (`<ca>/cas.pem`)."},
	}
	if withServer {
		attrs["server_cert"] = schema.StringAttribute{Required: true, MarkdownDescription: "Path of the server certificate chain (`<ca>/certs/<server>.chain.pem`): leaf plus intermediates, so clients can build the path to the root."}
		attrs["server_key"] = schema.StringAttribute{Optional: true, MarkdownDescription: "Path of the private key of `server_cert` when it differs from `key` (OpenZiti reads it; `controllersrv` does not, so prefer one key shared by `cert` and `server_cert`, as `ziti pki --key-name` and `modules/pki` do)."}
	}
	return schema.SingleNestedAttribute{Required: true, MarkdownDescription: desc, Attributes: attrs}
}

func (d *controllerConfigDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	hostPort := validators.HostPort()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders an OpenZiti controller configuration (YAML, `v: 3`) with its three identities wired as OpenZiti expects: " +
			"the control-plane `identity` (network ICA), the Edge API `web[].identity` (edge ICA; its TLS key also signs enrollment JWTs), " +
			"and `edge.enrollment.signingCert` (signing ICA; signs enrolled identities' certificates). Inputs are file paths, typically from `ziti_pki_directory.paths`.",
		Attributes: map[string]schema.Attribute{
			"id":       schema.StringAttribute{Computed: true, MarkdownDescription: "SHA-256 (hex) of `yaml`."},
			"identity": identityAttr("Control-plane identity (`identity`): certificates from the network-components ICA. Routers connect to `ctrl_listener` with it.", true),
			"web_identity": identityAttr("Edge API TLS identity (`web[].identity`): certificates from the edge ICA. Its `server_cert` key signs enrollment JWTs, "+
				"so clients must see this exact certificate: expose the controller directly or through TCP passthrough, never through a TLS-terminating proxy.", true),
			"signing_cert": schema.SingleNestedAttribute{Required: true,
				MarkdownDescription: "Enrollment signer (`edge.enrollment.signingCert`): the signing ICA's chain and key; it signs the certificates of enrolled identities and routers.",
				Attributes: map[string]schema.Attribute{
					"cert": schema.StringAttribute{Required: true, MarkdownDescription: "Path of the signing CA chain (`<sign-ica>/certs/<sign-ica>.chain.pem`)."},
					"key":  schema.StringAttribute{Required: true, MarkdownDescription: "Path of the signing CA key (`<sign-ica>/keys/<sign-ica>.key`)."},
				}},
			"advertised_address": schema.StringAttribute{Required: true, Validators: []validator.String{hostPort},
				MarkdownDescription: "`host:port` clients use to reach the Edge API (`edge.api.address` and `web[].bindPoints[].address`). The host must be a SAN of the web identity's server certificate."},
			"bind_address": schema.StringAttribute{Optional: true, Validators: []validator.String{hostPort},
				MarkdownDescription: "`interface:port` the Edge API listens on (`web[].bindPoints[].interface`). Defaults to `0.0.0.0` and the port of `advertised_address`."},
			"ctrl_listener": schema.StringAttribute{Optional: true,
				Validators:          []validator.String{stringvalidator.RegexMatches(ctrlListenerRE, "must look like \"tls:0.0.0.0:6262\"")},
				MarkdownDescription: "Control-plane listener for routers (`ctrl.listener`). Default `tls:0.0.0.0:6262`."},
			"ctrl_advertise_address": schema.StringAttribute{Optional: true,
				Validators:          []validator.String{stringvalidator.RegexMatches(ctrlListenerRE, "must look like \"tls:ctrl.example.com:6262\"")},
				MarkdownDescription: "Address routers use for the control plane (`ctrl.options.advertiseAddress`), e.g. `tls:ctrl.example.com:6262`. Omitted when unset."},
			"trust_domain": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.TrustDomain()},
				MarkdownDescription: "SPIFFE trust domain of the network (`trustDomain`), a DNS-style name such as `ziti.example.com`, without `spiffe://`. " +
					"When unset, OpenZiti derives one from the root CA's fingerprint and warns at every start; set it before routers and identities enroll, because changing it later needs `additionalTrustDomains`."},
			"db_path": schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "Path of the controller database (`db`)."},
			"web_name": schema.StringAttribute{Optional: true, MarkdownDescription: "Name of the web listener (`web[].name`). Default `client-management`."},
			"apis": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				Validators: []validator.List{listvalidator.UniqueValues(), listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.OneOf(webAPIs...))},
				MarkdownDescription: "API bindings served on the web listener (`web[].apis[].binding`): any of `" + strings.Join(webAPIs, "`, `") +
					"`. Default `edge-management`, `edge-client`, `edge-oidc`, `health-checks`."},
			"identity_enrollment_duration": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.Duration()},
				MarkdownDescription: "Lifetime of identity enrollment tokens (`edge.enrollment.edgeIdentity.duration`), a Go duration. Default `180m`."},
			"router_enrollment_duration": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.Duration()},
				MarkdownDescription: "Lifetime of router enrollment tokens (`edge.enrollment.edgeRouter.duration`). Default `180m`."},
			"yaml": schema.StringAttribute{Computed: true, MarkdownDescription: "The rendered controller configuration."},
		},
	}
}

func (d *controllerConfigDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m controllerConfigModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A common mistake in config form: one certificate for everything
	// hides which ICA does what; the control plane and the Edge API must not
	// share a server certificate.
	if m.Identity != nil && m.WebIdentity != nil && pkiKnown(m.Identity.ServerCert) && pkiKnown(m.WebIdentity.ServerCert) &&
		m.Identity.ServerCert.ValueString() == m.WebIdentity.ServerCert.ValueString() {
		resp.Diagnostics.AddAttributeWarning(path.Root("web_identity").AtName("server_cert"), "Control plane and Edge API share a server certificate",
			"identity.server_cert and web_identity.server_cert are the same file. OpenZiti expects separate ICAs: the network ICA for the control plane, the edge ICA for the Edge API (whose key signs enrollment JWTs).")
	}
}

func (d *controllerConfigDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m controllerConfigModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := renderControllerConfig(ctx, &m)
	if err != nil {
		resp.Diagnostics.AddError("Cannot render the controller configuration", err.Error())
		return
	}
	sum := sha256.Sum256(out)
	m.YAML = types.StringValue(string(out))
	m.ID = types.StringValue(hex.EncodeToString(sum[:]))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func orDefault(v types.String, def string) string {
	if v.IsNull() || v.ValueString() == "" {
		return def
	}
	return v.ValueString()
}

func identityOf(m *identityFilesModel) identityYAML {
	return identityYAML{
		Cert:       m.Cert.ValueString(),
		ServerCert: m.ServerCert.ValueString(),
		Key:        m.Key.ValueString(),
		ServerKey:  m.ServerKey.ValueString(),
		CA:         m.CA.ValueString(),
	}
}

// renderControllerConfig marshals the configuration with yaml.v3, so paths
// with odd characters are quoted correctly.
func renderControllerConfig(ctx context.Context, m *controllerConfigModel) ([]byte, error) {
	advertised := m.AdvertisedAddress.ValueString()
	_, port, err := net.SplitHostPort(advertised)
	if err != nil {
		return nil, fmt.Errorf("advertised_address %q: %w", advertised, err)
	}
	apis := defaultWebAPIs
	if !m.APIs.IsNull() {
		apis = nil
		if d := m.APIs.ElementsAs(ctx, &apis, false); d.HasError() {
			return nil, fmt.Errorf("apis: invalid list")
		}
	}
	cfg := ctrlConfigYAML{
		V:        3,
		DB:       m.DBPath.ValueString(),
		Identity: identityOf(m.Identity),
		Ctrl:     ctrlSectionYAML{Listener: orDefault(m.CtrlListener, "tls:0.0.0.0:6262")},
		Edge: edgeYAML{
			API: edgeAPIYAML{SessionTimeout: "30m", Address: advertised},
			Enrollment: enrollmentYAML{
				SigningCert:  signingCertYAML{Cert: m.SigningCert.Cert.ValueString(), Key: m.SigningCert.Key.ValueString()},
				EdgeIdentity: durationYAML{Duration: orDefault(m.IdentityEnrollmentDuration, "180m")},
				EdgeRouter:   durationYAML{Duration: orDefault(m.RouterEnrollmentDuration, "180m")},
			},
		},
		Web: []webYAML{{
			Name: orDefault(m.WebName, "client-management"),
			BindPoints: []bindPointYAML{{
				Interface: orDefault(m.BindAddress, net.JoinHostPort("0.0.0.0", port)),
				Address:   advertised,
			}},
			Identity: identityOf(m.WebIdentity),
		}},
	}
	if pkiKnown(m.TrustDomain) {
		cfg.TrustDomain = m.TrustDomain.ValueString()
	}
	if pkiKnown(m.CtrlAdvertiseAddress) {
		cfg.Ctrl.Options = &ctrlOptionsYAML{AdvertiseAddress: m.CtrlAdvertiseAddress.ValueString()}
	}
	for _, a := range apis {
		cfg.Web[0].APIs = append(cfg.Web[0].APIs, webAPIYAML{Binding: a})
	}
	var b strings.Builder
	b.WriteString("# OpenZiti controller configuration rendered by the zitiform/ziti provider (data.ziti_controller_config).\n" +
		"# The web identity's TLS key signs enrollment JWTs: clients must reach this controller directly or through\n" +
		"# TCP passthrough (e.g. an NLB TCP listener), never through a proxy that terminates TLS.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&cfg); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

var ctrlListenerRE = regexp.MustCompile(`^tls:[^\s:]+(:[^\s:]+)*:[0-9]{1,5}$`)
