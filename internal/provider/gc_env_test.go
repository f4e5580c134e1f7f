package provider

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestRelaxGCUnlessAsked(t *testing.T) {
	orig := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(orig) })

	t.Setenv("GOGC", "50")
	relaxGCUnlessAsked()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GOGC is set, yet the GC target changed to %d", got)
	}

	os.Unsetenv("GOGC")
	relaxGCUnlessAsked()
	if got := debug.SetGCPercent(100); got != ProviderGCPercent {
		t.Fatalf("GC target = %d with GOGC unset, want %d", got, ProviderGCPercent)
	}
}
