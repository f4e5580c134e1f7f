package provider

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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
	return samePEMCerts(v.ValueString(), o.ValueString()), nil
}

// samePEMCerts reports whether a and b hold the same certificates (DER), in
// the same order, whatever their PEM formatting. Anything unparsable is
// equal to nothing.
func samePEMCerts(a, b string) bool {
	x, y := certDERs(a), certDERs(b)
	if x == nil || y == nil || len(x) != len(y) {
		return false
	}
	for i := range x {
		if !bytes.Equal(x[i], y[i]) {
			return false
		}
	}
	return true
}

func newPEMCerts(s string) pemCertsValue {
	return pemCertsValue{StringValue: basetypes.NewStringValue(s)}
}

// certDERs returns the DER of every CERTIFICATE block, nil if there is none
// or if anything but whitespace surrounds the blocks.
func certDERs(s string) [][]byte {
	// Normalise line endings and indentation (heredocs, Windows files)
	// before decoding: encoding/pem wants BEGIN at the start of a line.
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	rest := []byte(strings.Join(lines, "\n"))
	var out [][]byte
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return nil
		}
		out = append(out, b.Bytes)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil
	}
	return out
}
