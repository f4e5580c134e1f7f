package provider

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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
	Endpoints         types.List   `tfsdk:"endpoints"`
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
	Results           types.List   `tfsdk:"results"`
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
					"`https://host:port` (a path is ignored) or `host:port`. Defaults to the provider's endpoints: all of them (see `results`).",
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("endpoints"))},
			},
			"endpoints": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Several endpoints to check at once, e.g. every controller of an HA cluster, each as `endpoint` takes it. " +
					"Defaults to the provider's `endpoints` (or its one `endpoint`). All are checked concurrently within the one `timeout`; " +
					"`results` has one element per endpoint, and the attributes above describe the first that answered (`id` names it). " +
					"An endpoint that cannot be checked is a problem naming it (an error with `fail_on_problems = true`, or when none answered).",
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(), listvalidator.NoNullValues()},
			},
			"fail_on_problems": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Fail the plan with the `problems` when there are any. Default `false`: problems are reported as a warning.",
			},
			"timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How long the whole check may take (a Go duration such as `20s` or `2m`; default `" + defaultCheckTimeout.String() + "`). " +
					"An endpoint that does not answer within it is named: the check fails with an error when it is the only one (or none answers); " +
					"among several it is a problem with its element of `results`.",
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
				MarkdownDescription: "Human-readable problems found; empty when everything is right. With several endpoints, each names its endpoint."},
			"results": resultsAttribute(),
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
	targets := checkTargets(ctx, &cfg, client, &resp.Diagnostics)
	if len(targets) == 0 {
		if !resp.Diagnostics.HasError() {
			detail := "Set endpoint (or endpoints) on the data source, or configure the provider's endpoint."
			if d.data != nil && d.data.unknown {
				detail = "The provider's endpoint is not known yet; set endpoint on the data source to check during plan."
			}
			resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "No endpoint to check", detail)
		}
		return
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
	var jwts []string
	var notes []string
	if client != nil {
		var err error
		if jwts, err = pendingJWTs(ctx, client); err != nil {
			if ctx.Err() != nil {
				resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Controller check failed", checkFailure(ctx, client.RootURL(), timeout, err))
				return
			}
			notes = append(notes, "could not read a pending enrollment JWT through the provider's connection: "+err.Error())
		}
	}
	checks := checkEndpoints(ctx, targets, jwts)
	several := len(checks) > 1
	var first *enroll.CheckReport
	var problems, failures, troubled []string
	results := make([]attr.Value, 0, len(checks))
	for _, c := range checks {
		var failure string
		var own []string
		if c.err != nil {
			failure = checkFailure(ctx, c.endpoint, timeout, c.err)
			failures = append(failures, failure)
		} else {
			own = c.report.Problems
			if c.report.LeafIsSigner == nil {
				own = append(own, notes...)
			}
			if first == nil {
				first = c.report
			}
		}
		results = append(results, resultObject(c, failure, own))
		if failure != "" {
			own = []string{failure}
		}
		if len(own) > 0 {
			troubled = append(troubled, checkedRoot(c.endpoint))
		}
		for _, p := range own {
			if several && c.err == nil {
				p = checkedRoot(c.endpoint) + ": " + p
			}
			problems = append(problems, p)
		}
	}
	if first == nil {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Controller check failed", strings.Join(failures, "\n\n"))
		return
	}
	r := first
	leaf := r.Chain[0]
	out := controllerCheckModel{
		Endpoint:          cfg.Endpoint,
		Endpoints:         cfg.Endpoints,
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
		Results:           types.ListValueMust(types.ObjectType{AttrTypes: endpointResultAttrs}, results),
	}
	var ips []string
	for _, ip := range leaf.IPAddresses {
		ips = append(ips, ip.String())
	}
	out.IPAddresses = stringList(ips)
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)

	if len(problems) > 0 {
		summary := "Controller check: enrollment through " + r.Addr + " will not work as configured"
		switch {
		case several:
			summary = "Controller check: problems at " + strings.Join(troubled, ", ")
		case r.PassthroughOK:
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

// checkTargets returns the endpoints to check: endpoint, or endpoints, or
// the provider's, the one in use first. nil when there is none.
func checkTargets(ctx context.Context, cfg *controllerCheckModel, client *edgeapi.Client, diags *diag.Diagnostics) []string {
	switch {
	case cfg.Endpoint.ValueString() != "":
		return []string{cfg.Endpoint.ValueString()}
	case !cfg.Endpoints.IsNull():
		var out []string
		diags.Append(cfg.Endpoints.ElementsAs(ctx, &out, false)...)
		return out
	case client == nil:
		return nil
	}
	out := []string{client.RootURL()}
	for _, e := range client.RootURLs() {
		if e != out[0] {
			out = append(out, e)
		}
	}
	return out
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
