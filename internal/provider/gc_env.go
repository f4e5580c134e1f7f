package provider

import (
	"os"
	"runtime/debug"
)

// ProviderGCPercent is the garbage collector target the provider binary
// runs with unless GOGC is set.
const ProviderGCPercent = 400

// relaxGCUnlessAsked sets the garbage collector target to
// ProviderGCPercent when GOGC is not set. The framework allocates heavily
// per RPC (schema maps, tftypes transforms, reflection) while the live heap
// stays small (tens of MiB even at thousands of resources), so with Go's
// default of 100 a third of the provider's CPU in a no-change plan of 2,000
// resources went to GC marking; at 400 the heap may grow to five times the
// live set instead, a few tens of MiB more. GOGC in the environment wins,
// so the trade can be undone.
func relaxGCUnlessAsked() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(ProviderGCPercent)
}
