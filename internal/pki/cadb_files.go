package pki

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// CADBPaths lists the database files of the CA directory dir, relative to
// the PKI root.
func CADBPaths(dir string) []string {
	return []string{dir + "/" + IndexFile, dir + "/" + IndexAttrFile, dir + "/" + SerialFile, dir + "/" + CRLNumberFile}
}

func readOptional(path string) ([]byte, bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	return data, err == nil, err
}

// SyncCADB brings the database files of the CA directory dir below root in
// line with the certificates a caller issued there. The caller owns the
// index lines in lines and those of the serials in drop (lines it wrote
// before); every other line stays. serial is raised above every indexed
// serial but never lowered; crlnumber and index.txt.attr are created with
// the content `ziti pki` gives them when missing and left alone otherwise.
func SyncCADB(root, dir string, lines []string, drop map[string]bool) error {
	base := filepath.Join(root, filepath.FromSlash(dir))
	for _, name := range []string{IndexAttrFile, CRLNumberFile} {
		p := filepath.Join(base, name)
		if _, ok, err := readOptional(p); err != nil {
			return err
		} else if !ok {
			if err := writeAtomic(p, []byte(CADBDefaults[name]), CertMode); err != nil {
				return err
			}
		}
	}
	idxPath := filepath.Join(base, IndexFile)
	old, _, err := readOptional(idxPath)
	if err != nil {
		return err
	}
	idx := MergeIndex(old, drop, lines)
	if err := writeAtomic(idxPath, idx, CertMode); err != nil {
		return err
	}
	serPath := filepath.Join(base, SerialFile)
	cur, _, err := readOptional(serPath)
	if err != nil {
		return err
	}
	return writeAtomic(serPath, NextSerial(cur, idx), CertMode)
}

// CheckCADB lists what is missing from the database files of dir for the
// given lines: absent files, index lines no longer there, a serial file
// that would make OpenSSL reuse the serial of one of them. Lines others
// appended (and their serials) are not its concern.
func CheckCADB(root, dir string, lines []string) []string {
	base := filepath.Join(root, filepath.FromSlash(dir))
	var out []string
	for _, name := range []string{IndexAttrFile, CRLNumberFile} {
		if _, err := os.Stat(filepath.Join(base, name)); err != nil {
			out = append(out, dir+"/"+name+" (missing)")
		}
	}
	idx, err := os.ReadFile(filepath.Join(base, IndexFile))
	switch {
	case err != nil:
		out = append(out, dir+"/"+IndexFile+" (missing)")
	case !IndexHasLines(idx, lines):
		out = append(out, dir+"/"+IndexFile+" (entries of these certificates missing)")
	}
	ser, err := os.ReadFile(filepath.Join(base, SerialFile))
	if err != nil {
		out = append(out, dir+"/"+SerialFile+" (missing)")
	} else if string(NextSerial(ser, []byte(strings.Join(lines, "\n")))) != string(NextSerial(ser, nil)) {
		out = append(out, dir+"/"+SerialFile+" (not above the indexed serials)")
	}
	return out
}

// ReleaseCADB removes the index lines of the serials in drop from dir. When
// the index is then empty and the CA directory holds no certificate or key
// any more, the database files go too (they describe nothing), so destroy
// leaves no trace; otherwise they stay for whoever still issues there.
// removed reports whether the database files went.
func ReleaseCADB(root, dir string, drop map[string]bool) (removed bool, err error) {
	base := filepath.Join(root, filepath.FromSlash(dir))
	idxPath := filepath.Join(base, IndexFile)
	old, ok, err := readOptional(idxPath)
	if err != nil || !ok {
		return false, err
	}
	idx := MergeIndex(old, drop, nil)
	if !IndexEmpty(idx) || dirHasFiles(filepath.Join(base, "certs")) || dirHasFiles(filepath.Join(base, "keys")) {
		return false, writeAtomic(idxPath, idx, CertMode)
	}
	var errs []error
	for _, p := range CADBPaths(dir) {
		if err := os.Remove(filepath.Join(root, filepath.FromSlash(p))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return true, errors.Join(errs...)
}

func dirHasFiles(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
}

// IndexSerials returns the normalised serials of lines.
func IndexSerials(lines []string) map[string]bool {
	out := map[string]bool{}
	for _, l := range lines {
		if sn := indexSerial(l); sn != "" {
			out[sn] = true
		}
	}
	return out
}

// SortedDirs returns the keys of m in order, for deterministic writes.
func SortedDirs[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
