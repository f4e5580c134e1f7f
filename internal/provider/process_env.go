package provider

// SetProcessDefaults applies the process settings the provider binary
// serves with, unless the environment asks otherwise: SDK and provider logs
// off when no TF_LOG* variable is set, and a relaxed GC target when GOGC is
// not set. The provider's main and the benchmarks' plugin binaries call it
// before serving, so that they are measured alike.
func SetProcessDefaults() {
	quietLogsUnlessAsked()
	relaxGCUnlessAsked()
}
