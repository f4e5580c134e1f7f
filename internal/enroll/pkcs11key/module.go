//go:build cgo

package pkcs11key

import (
	"fmt"
	"sync"

	"github.com/miekg/pkcs11"
)

// A module is a loaded and initialised PKCS#11 library, shared by the tokens
// open in this process. The last Close finalises it: C_Finalize is what makes
// tpm2-pkcs11 flush the objects and sessions it loaded into the TPM, which a
// TPM reached without a resource manager would otherwise keep until reset.
type module struct {
	path string
	ctx  *pkcs11.Ctx
	info pkcs11.Info // the library's manufacturer and version
	refs int
}

var (
	modMu   sync.Mutex
	modules = map[string]*module{}
)

func openModule(path string) (*module, error) {
	modMu.Lock()
	defer modMu.Unlock()
	if m, ok := modules[path]; ok {
		m.refs++
		return m, nil
	}
	ctx := pkcs11.New(path)
	if ctx == nil {
		return nil, fmt.Errorf("cannot load the PKCS#11 module %s: the file is missing or is not a PKCS#11 library for this platform", path)
	}
	if err := ctx.Initialize(); err != nil {
		ctx.Destroy()
		return nil, fmt.Errorf("initialising the PKCS#11 module %s: %w", path, err)
	}
	m := &module{path: path, ctx: ctx, refs: 1}
	if info, err := ctx.GetInfo(); err == nil {
		m.info = info
	}
	modules[path] = m
	return m, nil
}

func (m *module) release() error {
	modMu.Lock()
	defer modMu.Unlock()
	m.refs--
	if m.refs > 0 {
		return nil
	}
	delete(modules, m.path)
	err := m.ctx.Finalize()
	m.ctx.Destroy()
	if err != nil {
		return fmt.Errorf("finalising the PKCS#11 module %s: %w", m.path, err)
	}
	return nil
}

// OpenModules reports how many PKCS#11 modules this process holds
// initialised; zero once every token and key has been closed.
func OpenModules() int {
	modMu.Lock()
	defer modMu.Unlock()
	return len(modules)
}
