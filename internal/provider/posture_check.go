package provider

import (
	"context"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// The posture checks (/posture-checks) are one collection of six types told
// apart by typeId. Each type is a resource of its own
// (ziti_posture_check_domain, ...), made by postureKind from a posturePart:
// its typeId, its own attributes and the conversion of its own fields. The
// attributes every check has (id, name, role_attributes, tags), the typeId
// and the request bodies are shared here.

// postureCheckModel holds the attributes every posture check has; each
// type's model embeds it.
type postureCheckModel struct {
	ID             types.String `tfsdk:"id"`
	Name           types.String `tfsdk:"name"`
	RoleAttributes types.Set    `tfsdk:"role_attributes"`
	Tags           types.Map    `tfsdk:"tags"`
}

func (b *postureCheckModel) base() *postureCheckModel { return b }

// postureFields is implemented by each type's model: its own fields to and
// from the API's.
type postureFields interface {
	base() *postureCheckModel
	toFields(ctx context.Context, diags *diag.Diagnostics) edgeapi.PostureCheckFields
	fromFields(f *edgeapi.PostureCheckFields)
}

// postureTypes are the posture check types, one file each; the provider
// serves each as a resource and a data source (postureResources,
// postureDataSources).
var postureTypes = []postureType{
	servePosture(postureDomainKind),
	servePosture(postureMACKind),
	servePosture(postureMFAKind),
	servePosture(postureOSKind),
	servePosture(postureProcessKind),
	servePosture(postureMultiProcessKind),
}

// postureType is what the provider serves of one posture check type.
type postureType struct {
	resource   func() resource.Resource
	dataSource func() datasource.DataSource
}

// servePosture is the postureType of kind: its resource, and its data
// source, which reads one check of the type by id or exact name and
// refuses a check of another type.
func servePosture[M any](kind *networkKind[M, edgeapi.PostureCheckDetail, edgeapi.PostureCheckCreate]) postureType {
	return postureType{
		resource: func() resource.Resource { return newKindResource(kind) },
		dataSource: func() datasource.DataSource {
			return newKindDataSource(kind, "Reads one "+kind.what+" by id or exact name.")
		},
	}
}

// postureResources are the posture check resources.
func postureResources() []func() resource.Resource {
	out := make([]func() resource.Resource, 0, len(postureTypes))
	for _, t := range postureTypes {
		out = append(out, t.resource)
	}
	return out
}

// postureDataSources are the posture check data sources.
func postureDataSources() []func() datasource.DataSource {
	out := make([]func() datasource.DataSource, 0, len(postureTypes))
	for _, t := range postureTypes {
		out = append(out, t.dataSource)
	}
	return out
}

// posturePart describes one posture check type.
type posturePart struct {
	// typeName is the resource type without the provider prefix.
	typeName string
	// what names the type in diagnostics ("MAC posture check").
	what   string
	typeID edgeapi.PostureCheckType
	// description is the resource's; attributes are the type's own.
	description string
	attributes  map[string]schema.Attribute
}

// postureKind is the networkKind of one posture check type; M is its
// model, which embeds postureCheckModel.
func postureKind[M any, P interface {
	*M
	postureFields
}](p posturePart) *networkKind[M, edgeapi.PostureCheckDetail, edgeapi.PostureCheckCreate] {
	return &networkKind[M, edgeapi.PostureCheckDetail, edgeapi.PostureCheckCreate]{
		typeName: p.typeName, what: p.what, collection: edgeapi.PostureChecks,
		schema: func() schema.Schema { return postureSchema(p) },
		toAPI: func(m *M, ctx context.Context, diags *diag.Diagnostics) *edgeapi.PostureCheckCreate {
			b := P(m).base()
			return &edgeapi.PostureCheckCreate{
				TypeID:             p.typeID,
				Name:               b.Name.ValueString(),
				RoleAttributes:     stringsFromSet(ctx, b.RoleAttributes, diags),
				Tags:               tagsFromMap(ctx, b.Tags, diags),
				PostureCheckFields: P(m).toFields(ctx, diags),
			}
		},
		fromAPI: func(m *M, d *edgeapi.PostureCheckDetail) {
			b := P(m).base()
			b.ID = types.StringValue(d.ID)
			b.Name = types.StringValue(d.Name)
			b.RoleAttributes = setFromStrings(d.RoleAttributes)
			b.Tags = tagsToMap(d.Tags, b.Tags)
			P(m).fromFields(&d.PostureCheckFields)
		},
		named:   func(d *edgeapi.PostureCheckDetail) (*edgeapi.BaseEntity, string) { return &d.BaseEntity, d.Name },
		differs: postureDiffers,
		accept: func(d *edgeapi.PostureCheckDetail) string {
			if d.TypeID != p.typeID {
				return "it is a " + string(d.TypeID) + " posture check, not " + string(p.typeID) +
					": use the resource or data source of that type"
			}
			return ""
		},
	}
}

// postureSchema is a type's schema: the shared attributes and its own.
func postureSchema(p posturePart) schema.Schema {
	attrs := map[string]schema.Attribute{
		"id":              idAttribute("Posture check id."),
		"name":            nameAttribute(),
		"role_attributes": roleAttributesAttribute("Role attributes that service policies select the check by (`#attribute` in `posture_check_roles`)."),
		"tags":            tagsAttribute(),
	}
	maps.Copy(attrs, p.attributes)
	return schema.Schema{MarkdownDescription: p.description, Attributes: attrs}
}

// postureDiffers names the first attribute of a create body that the check
// d does not have, or "" when it has them all.
func postureDiffers(in *edgeapi.PostureCheckCreate, d *edgeapi.PostureCheckDetail) string {
	switch {
	case in.TypeID != d.TypeID:
		return "type (" + string(d.TypeID) + ")"
	case !sameStrings(in.RoleAttributes, d.RoleAttributes):
		return "role_attributes"
	case !sameTags(in.Tags, d.Tags):
		return "tags"
	}
	return firstOtherField(in.PostureCheckFields, d.PostureCheckFields)
}

// firstOtherField compares two values field by field in their JSON form
// and names the first that differs as its attribute (macAddresses:
// mac_addresses), or "".
func firstOtherField(a, b any) string {
	x, y := jsonFields(a), jsonFields(b)
	keys := slices.Sorted(maps.Keys(x))
	for k := range y {
		if _, ok := x[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if string(x[k]) != string(y[k]) {
			return snakeCase(k)
		}
	}
	return ""
}

func jsonFields(v any) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &out)
	return out
}

// snakeCase turns an API field name into its attribute name.
func snakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// osTypes are the operating systems posture checks name.
var osTypes = []string{"Windows", "WindowsServer", "Android", "iOS", "Linux", "macOS"}

// osTypeAttribute is a process's or an operating system's type.
func osTypeAttribute(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Required: true, MarkdownDescription: desc + " One of `" + strings.Join(osTypes, "`, `") + "`.",
		Validators: []validator.String{stringvalidator.OneOf(osTypes...)},
	}
}

// lowerHexRE is a hash or a certificate fingerprint as the controller
// stores it: lower-case hex.
var lowerHexRE = regexp.MustCompile(`^[0-9a-f]+$`)

// hexSetAttribute is a set of hashes or fingerprints, which the controller
// stores in lower case: upper case is refused rather than shown as a diff.
func hexSetAttribute(desc string) schema.SetAttribute {
	return stringSetAttribute(desc, setvalidator.ValueStringsAre(lowerHexValidator()))
}

func lowerHexValidator() validator.String {
	return stringvalidator.RegexMatches(lowerHexRE, "must be lower-case hex digits without separators (the controller stores hashes and fingerprints so): write e.g. 4f1a...c2")
}

// processAttributes are the attributes of a process of a PROCESS or
// PROCESS_MULTI check: the common ones and the check's own attribute for
// its signers.
func processAttributes(signers string, signersAttr schema.Attribute) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"os_type": osTypeAttribute("Operating system the process runs on."),
		"path": schema.StringAttribute{
			Required: true, MarkdownDescription: "Absolute path of the process's executable.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"hashes": hexSetAttribute("SHA-512 hashes of the executable that pass (lower-case hex); empty: any."),
		signers:  signersAttr,
	}
}

// processBase is the model of processAttributes.
type processBase struct {
	OsType types.String `tfsdk:"os_type"`
	Path   types.String `tfsdk:"path"`
	Hashes types.Set    `tfsdk:"hashes"`
}

func (p *processBase) toAPI(ctx context.Context, diags *diag.Diagnostics) edgeapi.PostureProcess {
	return edgeapi.PostureProcess{OsType: p.OsType.ValueString(), Path: p.Path.ValueString(), Hashes: stringsFromSet(ctx, p.Hashes, diags)}
}

func processBaseOf(p *edgeapi.PostureProcess) processBase {
	return processBase{OsType: types.StringValue(p.OsType), Path: types.StringValue(p.Path), Hashes: setFromStrings(p.Hashes)}
}
