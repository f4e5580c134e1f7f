package provider

import (
	"os"
	"path"
	"slices"
	"strings"
	"testing"
)

func TestQuietLogsUnlessAsked(t *testing.T) {
	// terraform-plugin-go names the provider's level variable after the
	// type in the provider address.
	if want := "TF_LOG_PROVIDER_" + strings.ToUpper(path.Base(Address)); !slices.Contains(quietLogVars, want) {
		t.Fatalf("quietLogVars %v lacks %s, the provider logger's level variable", quietLogVars, want)
	}
	for _, v := range append([]string{"TF_LOG", "TF_LOG_PATH", "TF_LOG_PROVIDER", "TF_ACC_LOG_PATH"}, quietLogVars...) {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	t.Setenv("TF_LOG_PROVIDER", "debug")
	quietLogsUnlessAsked()
	if _, set := os.LookupEnv("TF_LOG_SDK"); set {
		t.Fatal("TF_LOG_PROVIDER is set (logs were asked for), yet the SDK logs were turned off")
	}
	if _, set := os.LookupEnv("TF_LOG_PROVIDER_ZITI"); set {
		t.Fatal("TF_LOG_PROVIDER is set (logs were asked for), yet the provider's logs were turned off")
	}
	os.Unsetenv("TF_LOG_PROVIDER")
	quietLogsUnlessAsked()
	for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_ZITI"} {
		if os.Getenv(v) != "off" {
			t.Fatalf("%s = %q with no TF_LOG* set, want off", v, os.Getenv(v))
		}
	}
}
