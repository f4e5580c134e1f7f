package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/provider/validators"
)

var _ datasource.DataSourceWithConfigure = (*controllerCheckDataSource)(nil)

// NewControllerCheckDataSource returns the ziti_controller_check data source.
func NewControllerCheckDataSource() datasource.DataSource {
	return &controllerCheckDataSource{networkDataSource: newNetworkDataSource("controller_check")}
}

// controllerCheckDataSource looks at the controller endpoint the way an
// enrolling client does and reports the failure that breaks every enrollment (a TLS-terminating
// proxy or load balancer in front of the controller) before anyone enrolls.
type controllerCheckDataSource struct{ networkDataSource }

type controllerCheckModel struct {
	Endpoint          types.String `tfsdk:"endpoint"`
	FailOnProblems    types.Bool   `tfsdk:"fail_on_problems"`
	Timeout           types.String `tfsdk:"timeout"`
	ID                types.String `tfsdk:"id"`
	Address           types.String `tfsdk:"address"`
	PresentedChainPEM types.String `tfsdk:"presented_chain_pem"`
	LeafSubject       types.String `tfsdk:"leaf_subject"`
	LeafIssuer        types.String `tfsdk:"leaf_issuer"`
	LeafSHA1          types.String `tfsdk:"leaf_fingerprint_sha1"`
	LeafNotAfter      types.String `tfsdk:"leaf_not_after"`
	DNSNames          types.List   `tfsdk:"dns_names"`
	IPAddresses       types.List   `tfsdk:"ip_addresses"`
	AddressCovered    types.Bool   `tfsdk:"address_covered"`
	LeafIsJWTSigner   types.Bool   `tfsdk:"leaf_is_jwt_signer"`
	SignerCheck       types.String `tfsdk:"signer_check"`
	ChainTrusted      types.Bool   `tfsdk:"chain_trusted"`
	ControllerVersion types.String `tfsdk:"controller_version"`
	PassthroughOK     types.Bool   `tfsdk:"passthrough_ok"`
	Problems          types.List   `tfsdk:"problems"`
}

func (d *controllerCheckDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Checks a controller endpoint the way an enrolling client sees it: the certificate chain presented on the TLS " +
			"connection, whether its SANs cover the address, and whether the presented leaf is the certificate that signs enrollment " +
			"JWTs. Enrollment clients verify the JWT with the public key of the certificate presented at the JWT's issuer, so a load " +
			"balancer or proxy that terminates TLS (AWS ALB, L7 proxies, CDN proxy mode) breaks every enrollment; TCP passthrough " +
			"(NLB TCP listener, nginx `stream`, HAProxy `mode tcp`) works. With `fail_on_problems = true` the plan fails, so a wrong " +
			"load balancer is caught before anyone enrolls.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The address clients enroll through: the `iss` of enrollment JWTs, i.e. the controller's advertised " +
					"`https://host:port` (a path is ignored) or `host:port`. Defaults to the provider's `endpoint`.",
			},
			"fail_on_problems": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Fail the plan with the `problems` when there are any. Default `false`: problems are reported as a warning.",
			},
			"timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How long the whole check may take (a Go duration such as `20s` or `2m`; default `" + defaultCheckTimeout.String() + "`). " +
					"An endpoint that does not answer within it fails the check with an error naming the endpoint.",
				Validators: []validator.String{validators.Duration()},
			},
			"id":                    str("The checked endpoint (`https://host:port`)."),
			"address":               str("The `host:port` connected to."),
			"presented_chain_pem":   str("The certificate chain the TLS server presented, leaf first (PEM)."),
			"leaf_subject":          str("Subject of the presented leaf certificate."),
			"leaf_issuer":           str("Issuer of the presented leaf certificate."),
			"leaf_fingerprint_sha1": str("Lowercase hex SHA-1 of the presented leaf (DER): what the `kid` of enrollment JWTs must be."),
			"leaf_not_after":        str("Expiry of the presented leaf (RFC 3339)."),
			"dns_names":             schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "DNS SANs of the presented leaf."},
			"ip_addresses":          schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "IP SANs of the presented leaf."},
			"address_covered": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the presented leaf's SANs cover the endpoint's host (clients verify it on every later connection)."},
			"leaf_is_jwt_signer": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the presented leaf is the certificate that signs enrollment JWTs; null when it could not be determined. See `signer_check`."},
			"signer_check": schema.StringAttribute{Computed: true,
				MarkdownDescription: "How `leaf_is_jwt_signer` was decided. `enrollment_jwt`: a pending enrollment JWT read through the provider's " +
					"management API connection (newest first, identities then edge routers) was verified with the presented leaf's public key, exactly " +
					"as an enrolling client does; nothing is created. `jwks`: no such JWT was available, so the controller's public " +
					"`GET /edge/client/v1/enroll/jwks` was consulted (the leaf matches a key's `kid`, `x5c` or public key). `network_jwt`: no JWKS either " +
					"(OpenZiti v1.7 serves none), so the controller's public network JWT (`GET /edge/client/v1/network-jwts`), signed with the same key " +
					"as enrollment JWTs, was verified with the presented leaf. `none`: none of them was available."},
			"chain_trusted": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the presented chain verifies against the controller's own CA bundle (`/.well-known/est/cacerts`); null if the bundle was unavailable."},
			"controller_version": str("The controller version from `/version`, read through the endpoint."),
			"passthrough_ok": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "`true` when the presented leaf is proven to be the enrollment JWT signer, i.e. TLS reaches the controller unterminated. `false` when it is not, or could not be determined."},
			"problems": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Human-readable problems found; empty when everything is right."},
		},
	}
}

func (d *controllerCheckDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg controllerCheckModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The provider's client is optional here: it supplies the default
	// endpoint and a pending enrollment JWT to compare against.
	var client *edgeapi.Client
	if d.data != nil {
		client = d.data.client
	}
	endpoint := cfg.Endpoint.ValueString()
	if endpoint == "" {
		if client == nil {
			detail := "Set endpoint on the data source, or configure the provider's endpoint."
			if d.data != nil && d.data.unknown {
				detail = "The provider's endpoint is not known yet; set endpoint on the data source to check during plan."
			}
			resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "No endpoint to check", detail)
			return
		}
		endpoint = client.RootURL()
	}
	// One deadline for everything the check sends: each request's own
	// timeout and retries would add up to minutes against an endpoint that
	// accepts connections and never answers.
	timeout := defaultCheckTimeout
	if !cfg.Timeout.IsNull() {
		timeout, _ = time.ParseDuration(cfg.Timeout.ValueString()) // validated
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	failed := func(err error) {
		msg := err.Error()
		if ctx.Err() != nil {
			msg = fmt.Sprintf("controller at %s did not answer within %s: %s\n\nCheck that the endpoint is the controller's Edge API "+
				"(or a TCP passthrough to it) and that it is up; raise timeout if it is only slow.", checkedRoot(endpoint), timeout, msg)
		}
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Controller check failed", msg)
	}
	var jwts []string
	var notes []string
	if client != nil {
		var err error
		if jwts, err = pendingJWTs(ctx, client); err != nil {
			if ctx.Err() != nil {
				failed(err)
				return
			}
			notes = append(notes, "could not read a pending enrollment JWT through the provider's connection: "+err.Error())
		}
	}
	r, err := enroll.CheckController(ctx, endpoint, enroll.CheckOptions{JWTs: jwts})
	if err == nil && ctx.Err() != nil {
		// A request past the deadline became a problem: the report is
		// incomplete.
		err = ctx.Err()
	}
	if err != nil {
		failed(err)
		return
	}
	problems := r.Problems
	if r.LeafIsSigner == nil {
		problems = append(problems, notes...)
	}

	leaf := r.Chain[0]
	out := controllerCheckModel{
		Endpoint:          cfg.Endpoint,
		FailOnProblems:    cfg.FailOnProblems,
		Timeout:           cfg.Timeout,
		ID:                types.StringValue(r.Endpoint),
		Address:           types.StringValue(r.Addr),
		PresentedChainPEM: types.StringValue(string(pki.EncodeCertsPEM(r.Chain...))),
		LeafSubject:       types.StringValue(leaf.Subject.String()),
		LeafIssuer:        types.StringValue(leaf.Issuer.String()),
		LeafSHA1:          types.StringValue(pki.FingerprintSHA1(leaf)),
		LeafNotAfter:      types.StringValue(leaf.NotAfter.UTC().Format("2006-01-02T15:04:05Z")),
		DNSNames:          stringList(leaf.DNSNames),
		AddressCovered:    types.BoolValue(r.AddressCovered),
		LeafIsJWTSigner:   types.BoolPointerValue(r.LeafIsSigner),
		SignerCheck:       types.StringValue(r.SignerCheck),
		ChainTrusted:      types.BoolPointerValue(r.ChainTrusted),
		ControllerVersion: types.StringValue(r.Version),
		PassthroughOK:     types.BoolValue(r.PassthroughOK),
		Problems:          stringList(problems),
	}
	var ips []string
	for _, ip := range leaf.IPAddresses {
		ips = append(ips, ip.String())
	}
	out.IPAddresses = stringList(ips)
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)

	if len(problems) > 0 {
		summary := "Controller check: enrollment through " + r.Addr + " will not work as configured"
		if r.PassthroughOK {
			summary = "Controller check: problems with " + r.Addr
		}
		detail := "- " + strings.Join(problems, "\n- ")
		if cfg.FailOnProblems.ValueBool() {
			resp.Diagnostics.AddError(summary, detail)
		} else {
			resp.Diagnostics.AddWarning(summary, detail+"\n\nSet fail_on_problems = true to make this an error.")
		}
	}
}

// defaultCheckTimeout bounds a check whose timeout is not set.
const defaultCheckTimeout = 20 * time.Second

// checkedRoot is the endpoint as the check names it (https://host:port).
func checkedRoot(endpoint string) string {
	if root, _, _, err := enroll.EndpointAddr(endpoint); err == nil {
		return root
	}
	return endpoint
}

func stringList(v []string) types.List {
	elems := make([]types.String, 0, len(v))
	for _, s := range v {
		elems = append(elems, types.StringValue(s))
	}
	l, _ := types.ListValueFrom(context.Background(), types.StringType, elems)
	return l
}

// pendingJWTs reads enrollment JWTs the controller has issued, newest
// first: identity enrollments, then edge router enrollments. Read-only.
func pendingJWTs(ctx context.Context, c *edgeapi.Client) ([]string, error) {
	ens, err := c.ListEnrollments(ctx, edgeapi.ListOptions{})
	if err != nil {
		return nil, err
	}
	sort.Slice(ens, func(i, j int) bool { return ens[i].ExpiresAt.After(ens[j].ExpiresAt) })
	var out []string
	for _, e := range ens {
		if e.JWT != "" {
			out = append(out, e.JWT)
		}
	}
	if len(out) > 0 {
		return out[:1], nil
	}
	routers, err := c.ListEdgeRouters(ctx, edgeapi.ListOptions{})
	if err != nil {
		return nil, err
	}
	for _, r := range routers {
		if r.EnrollmentJWT != nil && *r.EnrollmentJWT != "" {
			return []string{*r.EnrollmentJWT}, nil
		}
	}
	return nil, nil
}
