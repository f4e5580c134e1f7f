package provider

import (
	"os"
	"strings"
)

// QuietSDKLogsUnlessAsked turns the plugin SDK's own log subsystems off
// when nobody asked for logs: no TF_LOG* or TF_ACC_LOG* variable is set.
// Left alone, terraform-plugin-go and the framework log every RPC at trace
// level as JSON on stderr (their default level is trace), and Terraform
// throws the lines away; in .ci/bench-provider.sh that formatting was about
// 30% of the provider's CPU in a no-change plan. Any TF_LOG* variable keeps
// the default, so TF_LOG=trace debugging is unchanged. The provider binary
// calls it before serving.
func QuietSDKLogsUnlessAsked() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") || strings.HasPrefix(kv, "TF_ACC_LOG") {
			return
		}
	}
	for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		_ = os.Setenv(v, "off")
	}
}
