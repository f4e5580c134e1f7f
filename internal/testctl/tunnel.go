package testctl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Tunnel modes of StartTunnel.
const (
	// TunnelHost hosts the services the identity may bind (their host.v1
	// or host.v2 configs say where the traffic goes).
	TunnelHost = "host"
	// TunnelProxy listens for the services the identity may dial, one
	// listener per service with a proxy.v1 config, on that config's
	// binding and port.
	TunnelProxy = "proxy"
)

// Tunnel is a `ziti tunnel` process run by StartTunnel.
type Tunnel struct {
	Mode, IdentityFile string
	// Dir holds its scratch HOME and LogFile.
	Dir, LogFile string
	proc         *process
}

// StartTunnel runs `ziti tunnel <mode> -i identityFile` (TunnelHost or
// TunnelProxy) as a child of the harness, stopped by Stop or by the
// controller's Close. It polls the controller for service changes every
// second, so that a policy change reaches it within seconds (a proxy
// otherwise never polls), and runs without the CLI agent socket. A proxy
// is started with no service arguments: those would make it bind every
// interface, while the listeners it opens for proxy.v1 configs bind where
// the config's binding says (127.0.0.1 in tests). It returns once the
// process runs, not once it serves: callers poll what it carries.
func (c *Controller) StartTunnel(ctx context.Context, mode, identityFile string) (*Tunnel, error) {
	if mode != TunnelHost && mode != TunnelProxy {
		return nil, fmt.Errorf("tunnel mode %q: want %q or %q", mode, TunnelHost, TunnelProxy)
	}
	bin, err := ZitiBinary()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	n := len(c.tunnels) + 1
	c.mu.Unlock()
	tu := &Tunnel{Mode: mode, IdentityFile: identityFile, Dir: filepath.Join(c.Dir, "tunnels", mode+"-"+strconv.Itoa(n))}
	tu.LogFile = filepath.Join(tu.Dir, "tunnel.log")
	if err := os.MkdirAll(filepath.Join(tu.Dir, "user-home"), 0o700); err != nil {
		return nil, err
	}
	args := []string{"tunnel", mode, "-i", identityFile, "--svcPollRate", "1", "--cli-agent=false"}
	if tu.proc, err = startProcess(bin, args, []string{"HOME=" + filepath.Join(tu.Dir, "user-home")}, tu.Dir, tu.LogFile, "tunnel "+mode); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.tunnels = append(c.tunnels, tu)
	c.mu.Unlock()
	select {
	case <-tu.proc.exited:
		return nil, fmt.Errorf("ziti tunnel %s exited at once: %w; log %s:\n%s", mode, tu.proc.err, tu.LogFile, tailFile(tu.LogFile, 20))
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(100 * time.Millisecond):
	}
	return tu, nil
}

// Exited reports whether the tunnel process has ended.
func (tu *Tunnel) Exited() bool {
	select {
	case <-tu.proc.exited:
		return true
	default:
		return false
	}
}

// LogTail is the last n lines of the tunnel's log.
func (tu *Tunnel) LogTail(n int) string { return tailFile(tu.LogFile, n) }

// Stop stops the tunnel process.
func (tu *Tunnel) Stop() { tu.proc.stop(5 * time.Second) }
