package testctl

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// process is a ziti child process in its own process group, so that
// stopping it stops everything it started.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // Wait's result, set before exited is closed
}

// startProcess runs bin with args in dir, appending its output to logFile
// under a header line. env is added to cleanEnv().
func startProcess(bin string, args, env []string, dir, logFile, what string) (*process, error) {
	logf, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logf, "==== %s %s: %s\n", time.Now().UTC().Format(time.RFC3339Nano), what, strings.Join(redactArgs(args), " "))
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own group, killed with the test process if that dies first.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting %s: %w", what, err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logf.Close()
		close(p.exited)
	}()
	return p, nil
}

// stop sends SIGTERM to the group, then SIGKILL after grace (at once when
// grace is 0), waits for the process, and removes the CLI agent socket
// every ziti process opens in /tmp.
func (p *process) stop(grace time.Duration) {
	if p == nil {
		return
	}
	pid := p.cmd.Process.Pid
	select {
	case <-p.exited:
	default:
		if grace > 0 {
			_ = syscall.Kill(-pid, syscall.SIGTERM)
			select {
			case <-p.exited:
			case <-time.After(grace):
			}
		}
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-p.exited
	}
	_ = os.Remove(fmt.Sprintf("/tmp/gops-agent.%d.sock", pid))
}

// cleanEnv is the test process's environment without ZITI_* variables
// (a test may set ZITI_PASSWORD or ZITI_HOME for the provider; the ziti
// CLI reads the same names) and without HOME (each run gets its own).
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "ZITI_") || strings.HasPrefix(kv, "HOME=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// redactArgs hides the value of --password in a logged command line.
func redactArgs(args []string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		switch {
		case (a == "--password" || a == "-p") && i+1 < len(out):
			out[i+1] = "<redacted>"
		case strings.HasPrefix(a, "--password="):
			out[i] = "--password=<redacted>"
		}
	}
	return out
}

// runZitiCmd runs a short ziti command to completion, its output in logFile.
func runZitiCmd(bin string, args, env []string, dir, logFile, what string) error {
	p, err := startProcess(bin, args, env, dir, logFile, what)
	if err != nil {
		return err
	}
	select {
	case <-p.exited:
	case <-time.After(2 * time.Minute):
		p.stop(0)
		return fmt.Errorf("%s did not finish within 2 minutes; log %s:\n%s", what, logFile, tailFile(logFile, 20))
	}
	if p.err != nil {
		return fmt.Errorf("%s: %w; log %s:\n%s", what, p.err, logFile, tailFile(logFile, 20))
	}
	_ = os.Remove(fmt.Sprintf("/tmp/gops-agent.%d.sock", p.cmd.Process.Pid))
	return nil
}
