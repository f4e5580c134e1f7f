package validators

import (
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// RFC3339 checks that a string is an RFC 3339 timestamp.
func RFC3339() validator.String {
	return stringCheck{desc: "must be an RFC 3339 timestamp", check: func(p path.Path, s string, diags *diag.Diagnostics) {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			diags.AddAttributeError(p, "Invalid timestamp",
				fmt.Sprintf("%s = %q is not an RFC 3339 timestamp such as \"2030-01-02T15:04:05Z\" (try timeadd(timestamp(), \"24h\") or use duration).", p, s))
		}
	}}
}

// Duration checks that a string is a positive Go duration.
func Duration() validator.String {
	return stringCheck{desc: "must be a positive Go duration such as 90m or 24h", check: func(p path.Path, s string, diags *diag.Diagnostics) {
		if d, err := time.ParseDuration(s); err != nil || d <= 0 {
			diags.AddAttributeError(p, "Invalid duration",
				fmt.Sprintf("%s = %q is not a positive Go duration such as \"90m\", \"24h\" or \"720h\" (units: s, m, h).", p, s))
		}
	}}
}
