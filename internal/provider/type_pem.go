package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// pemCertsType is a string holding PEM certificates, compared semantically:
// two values are equal when they hold the same certificates (DER), whatever
// their line endings, wrapping or surrounding whitespace. So a cert_pem read
// from a file with CRLF line endings is no diff against what the controller
// returns.
type pemCertsType struct{ basetypes.StringType }

var (
	_ basetypes.StringTypable                    = pemCertsType{}
	_ basetypes.StringValuableWithSemanticEquals = pemCertsValue{}
)

func (t pemCertsType) Equal(o attr.Type) bool {
	_, ok := o.(pemCertsType)
	return ok
}

func (t pemCertsType) String() string { return "pemCertsType" }

func (t pemCertsType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return pemCertsValue{StringValue: in}, nil
}

func (t pemCertsType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return pemCertsValue{StringValue: sv}, nil
}

func (t pemCertsType) ValueType(context.Context) attr.Value { return pemCertsValue{} }

// pemCertsValue is a value of pemCertsType.
type pemCertsValue struct{ basetypes.StringValue }

func (v pemCertsValue) Equal(o attr.Value) bool {
	ov, ok := o.(pemCertsValue)
	return ok && v.StringValue.Equal(ov.StringValue)
}

func (v pemCertsValue) Type(context.Context) attr.Type { return pemCertsType{} }

func (v pemCertsValue) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	o, ok := nv.(pemCertsValue)
	if !ok {
		return false, nil
	}
	return pki.SameCertsPEM(v.ValueString(), o.ValueString()), nil
}

func newPEMCerts(s string) pemCertsValue {
	return pemCertsValue{StringValue: basetypes.NewStringValue(s)}
}
