package quickstart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// markerName marks a home directory as controllersrv's: quickstart writes
// into a home only if it carries the marker, is empty or new, or is a home
// an earlier controllersrv made before the marker existed.
const markerName = "controllersrv.home"

// organization is the subject organization of the CAs quickstart creates.
const organization = "zitiform controllersrv"

// MarkerPath is the file marking home as controllersrv's.
func MarkerPath(home string) string { return filepath.Join(home, markerName) }

// Claim makes sure home is controllersrv's to write in, creating it (with
// its marker) if it is missing or empty. A home holding anything
// controllersrv did not create, such as a real OpenZiti controller's
// quickstart home, is refused before anything in it is written.
func Claim(home string) error {
	if _, err := os.Stat(MarkerPath(home)); err == nil {
		return nil
	}
	entries, err := os.ReadDir(home)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("home %s: %w", home, err)
	}
	if len(entries) > 0 {
		if foreign := foreignEntries(home, entries); len(foreign) > 0 {
			return fmt.Errorf("home %s holds files controllersrv did not create (%s): controllersrv never writes into another program's files; "+
				"give quickstart an empty or new directory (to serve a real OpenZiti controller's config, use `controllersrv run --config FILE --db FILE`)",
				home, strings.Join(foreign, ", "))
		}
	}
	if err := os.MkdirAll(home, 0o700); err != nil {
		return fmt.Errorf("creating home %s: %w", home, err)
	}
	return pki.WriteFileAtomic(MarkerPath(home), []byte("controllersrv quickstart created this directory and writes its PKI, config and database here.\n"), 0o600)
}

// foreignEntries lists what in a home without marker is not the layout an
// earlier controllersrv wrote: only pki, config.yml and db, with a root CA
// (if any) of controllersrv's own organization.
func foreignEntries(home string, entries []os.DirEntry) []string {
	var foreign []string
	for _, e := range entries {
		if !slices.Contains([]string{"pki", "config.yml", "db"}, e.Name()) {
			foreign = append(foreign, e.Name())
		}
	}
	if len(foreign) > 0 {
		return foreign
	}
	rootPath := filepath.Join(PKIDir(home), RootCA, "certs", RootCA+".cert")
	data, err := os.ReadFile(rootPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return []string{rootPath + ": " + err.Error()}
	}
	if c, err := pki.ParseCertPEM(data); err != nil || !slices.Contains(c.Subject.Organization, organization) {
		return []string{filepath.Join("pki", RootCA) + " (a root CA controllersrv did not make)"}
	}
	return nil
}
