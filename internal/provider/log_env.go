package provider

import (
	"os"
	"strings"
)

// quietLogVars are the log levels quietLogsUnlessAsked turns off: the
// plugin SDK's own subsystems, and this provider's logger (terraform-plugin-go
// reads TF_LOG_PROVIDER_<type> for a provider of that type).
var quietLogVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_ZITI"}

// quietLogsUnlessAsked turns the SDK's and the provider's logs off when
// nobody asked for logs: no TF_LOG* or TF_ACC_LOG* variable is set.
// Left alone, terraform-plugin-go and the framework log every RPC at trace
// level as JSON on stderr (their default level is trace), and the
// provider's debug line per Edge API request is formatted too, while
// Terraform throws every line away. In .ci/bench-provider.sh the SDK's
// formatting was about 30% of the provider's CPU in a no-change plan, the
// request lines 3%. Any TF_LOG* variable keeps the defaults, so TF_LOG=trace
// debugging is unchanged.
func quietLogsUnlessAsked() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") || strings.HasPrefix(kv, "TF_ACC_LOG") {
			return
		}
	}
	for _, v := range quietLogVars {
		_ = os.Setenv(v, "off")
	}
}
