package provider

import (
	"os"
	"testing"
)

func TestQuietSDKLogsUnlessAsked(t *testing.T) {
	for _, v := range []string{"TF_LOG", "TF_LOG_PATH", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_ACC_LOG_PATH"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	t.Setenv("TF_LOG_PROVIDER", "debug")
	QuietSDKLogsUnlessAsked()
	if _, set := os.LookupEnv("TF_LOG_SDK"); set {
		t.Fatal("TF_LOG_PROVIDER is set (logs were asked for), yet the SDK logs were turned off")
	}
	os.Unsetenv("TF_LOG_PROVIDER")
	QuietSDKLogsUnlessAsked()
	for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		if os.Getenv(v) != "off" {
			t.Fatalf("%s = %q with no TF_LOG* set, want off", v, os.Getenv(v))
		}
	}
}
