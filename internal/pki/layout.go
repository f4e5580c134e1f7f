package pki

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// File is one file of an on-disk PKI tree, relative to the PKI root.
type File struct {
	Path string // slash-separated, relative
	Data []byte
	Mode os.FileMode
}

// Key files are private to the owner; everything else is world-readable
// public material.
const (
	CertMode os.FileMode = 0o644
	KeyMode  os.FileMode = 0o600
)

// CAFiles lays out a CA the way `ziti pki create ca|intermediate` does:
//
//	<name>/certs/<name>.cert       the CA certificate
//	<name>/certs/<name>.chain.pem  the CA and intermediates above it (intermediates only)
//	<name>/keys/<name>.key         its private key (omitted when keyPEM is nil)
//	<name>/cas.pem                 the CA bundle up to the root
func CAFiles(name string, is *Issued, keyPEM []byte) []File {
	files := []File{
		{Path: name + "/certs/" + name + ".cert", Data: EncodeCertsPEM(is.Cert), Mode: CertMode},
		{Path: name + "/cas.pem", Data: EncodeCertsPEM(is.Bundle...), Mode: CertMode},
	}
	if !IsSelfSigned(is.Cert) {
		files = append(files, File{Path: name + "/certs/" + name + ".chain.pem", Data: EncodeCertsPEM(is.Chain...), Mode: CertMode})
	}
	if keyPEM != nil {
		files = append(files, File{Path: name + "/keys/" + name + ".key", Data: keyPEM, Mode: KeyMode})
	}
	return files
}

// LeafFiles lays out a server or client certificate issued by the CA
// directory ca, as `ziti pki create server|client` does:
//
//	<ca>/certs/<name>.cert, <ca>/certs/<name>.chain.pem, <ca>/keys/<name>.key
func LeafFiles(ca, name string, is *Issued, keyPEM []byte) []File {
	files := []File{
		{Path: ca + "/certs/" + name + ".cert", Data: EncodeCertsPEM(is.Cert), Mode: CertMode},
		{Path: ca + "/certs/" + name + ".chain.pem", Data: EncodeCertsPEM(is.Chain...), Mode: CertMode},
	}
	if keyPEM != nil {
		files = append(files, File{Path: ca + "/keys/" + name + ".key", Data: keyPEM, Mode: KeyMode})
	}
	return files
}

// CheckFiles validates a file set before anything is written: relative
// paths that stay inside the root, and no path given twice with different
// content.
func CheckFiles(files []File) error {
	seen := map[string][]byte{}
	for _, f := range files {
		if err := checkRelPath(f.Path); err != nil {
			return err
		}
		if prev, ok := seen[f.Path]; ok && !bytes.Equal(prev, f.Data) {
			return fmt.Errorf("two different files would be written to %q: give the certificates distinct names", f.Path)
		}
		seen[f.Path] = f.Data
	}
	return nil
}

func checkRelPath(p string) error {
	if p == "" || filepath.IsAbs(p) || strings.HasPrefix(p, "/") {
		return fmt.Errorf("path %q must be relative to the PKI root", p)
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." || part == "" || part == "." {
			return fmt.Errorf("path %q must not contain empty, \".\" or \"..\" elements", p)
		}
	}
	return nil
}

// WriteFiles writes a file set below root. Each file is written to a
// temporary file in the same directory and renamed into place, so readers
// never see a partial certificate or key; files whose content and mode are
// already right are left untouched, so re-running is idempotent.
func WriteFiles(root string, files []File) error {
	if root == "" {
		return errors.New("the PKI root directory is empty")
	}
	if err := CheckFiles(files); err != nil {
		return err
	}
	for _, f := range files {
		if err := writeAtomic(filepath.Join(root, filepath.FromSlash(f.Path)), f.Data, f.Mode); err != nil {
			return err
		}
	}
	return nil
}

func writeAtomic(path string, data []byte, mode os.FileMode) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		if st, err := os.Stat(path); err == nil && st.Mode().Perm() == mode {
			return nil
		}
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// WriteFileAtomic writes one file with the same guarantees as WriteFiles.
func WriteFileAtomic(path string, data []byte, mode os.FileMode) error {
	return writeAtomic(path, data, mode)
}
