package testctl

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Cluster is a real OpenZiti HA cluster: n controllers of one network on
// loopback, members of one raft cluster, each with its own Edge API port.
//
// It is formed as OpenZiti's own HA quickstart forms one: `ziti edge
// quickstart ha` makes the shared root CA under Home/pki, the first
// member's intermediate, server and client certificates (with the SPIFFE
// id spiffe://<TrustDomain>/controller/<id> the cluster requires) and a
// clustered ctrl.yaml (a `cluster:` section instead of `db:`), runs it and
// initialises the cluster with `ziti agent cluster init` (the admin is made
// there, not by `ziti controller edge init`); each further member runs
// `ziti edge quickstart join`, which issues its certificates from the same
// root and adds it as a voter with `ziti agent cluster add`. Every listener
// is on 127.0.0.1 (ZITI_CTRL_BIND_ADDRESS, ZITI_CTRL_EDGE_BIND_ADDRESS),
// and each server certificate holds 127.0.0.1.
//
// Members[i] are ordinary Controller handles: Stop takes one down (SIGKILL
// or SIGTERM), Restart brings it back with `ziti controller run` on its
// ctrl.yaml, and AdminClient talks to that member alone.
type Cluster struct {
	Members []*Controller
	// TrustDomain is the SPIFFE trust domain of the members' certificates.
	TrustDomain string
	// CAPEM is the root CA every member's certificate chains to; CAFile
	// holds the same bytes.
	CAPEM  []byte
	CAFile string
	// Username and Password are the admin's, the same on every member.
	Username, Password string
	// Dir holds Home (the quickstart home: pki/ and one directory per
	// member) and a directory per member for its log.
	Dir, Home string
	tmpDir    bool
}

// ClusterMember is one entry of the cluster's member list.
type ClusterMember struct {
	ID        string `json:"id"`
	Address   string `json:"address"`
	Voter     bool   `json:"voter"`
	Leader    bool   `json:"leader"`
	Connected bool   `json:"connected"`
}

// StartCluster starts a cluster of n real controllers (see Cluster) and
// returns once every member serves the Edge API, lets the admin log in and
// the first member lists n connected voters with a leader.
func StartCluster(ctx context.Context, n int, opts Options) (*Cluster, error) {
	if n < 1 {
		return nil, fmt.Errorf("a cluster needs at least one member, not %d", n)
	}
	bin, err := ZitiBinary()
	if err != nil {
		return nil, err
	}
	first, err := newController(Ziti, opts)
	if err != nil {
		return nil, err
	}
	cl := &Cluster{Dir: first.Dir, tmpDir: first.tmpDir, Username: first.Username, Password: first.Password,
		TrustDomain: "zitiform-test"}
	cl.Home = filepath.Join(cl.Dir, "home")
	cl.CAFile = filepath.Join(cl.Dir, "cas.pem")
	if err := cl.start(ctx, bin, n, first.timeout); err != nil {
		_ = cl.CloseKeep()
		return nil, err
	}
	return cl, nil
}

// StartClusterT is StartCluster for a test: it skips or fails as StartT
// does without the binary, and stops every member in t.Cleanup (keeping
// the directory and printing each member's log tail when the test failed).
func StartClusterT(t testing.TB, n int) *Cluster {
	t.Helper()
	RequireZiti(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	t0 := time.Now()
	cl, err := StartCluster(ctx, n, Options{})
	if err != nil {
		t.Fatalf("starting a cluster of %d controllers: %v", n, err)
	}
	t.Logf("a cluster of %d OpenZiti controllers (%s) formed in %v", n, strings.Join(cl.URLs(), ", "), time.Since(t0).Round(time.Millisecond))
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range cl.Members {
				t.Logf("%s, last lines of %s:\n%s", m, m.LogFile, m.LogTail(25))
			}
			t.Logf("cluster kept in %s", cl.Dir)
			_ = cl.CloseKeep()
			return
		}
		_ = cl.Close()
	})
	return cl
}

func (cl *Cluster) start(ctx context.Context, bin string, n int, timeout time.Duration) error {
	for i := 1; i <= n; i++ {
		m := &Controller{Kind: Ziti, Username: cl.Username, Password: cl.Password, timeout: timeout,
			Dir: filepath.Join(cl.Dir, fmt.Sprintf("ctrl%d", i)), Home: cl.Home}
		if err := os.MkdirAll(m.Dir, 0o700); err != nil {
			return err
		}
		m.CAFile = filepath.Join(m.Dir, "cas.pem")
		m.LogFile = filepath.Join(m.Dir, "controller.log")
		cl.Members = append(cl.Members, m)
		if err := cl.startMember(ctx, bin, i); err != nil {
			return fmt.Errorf("member %d: %w (log %s:\n%s)", i, err, m.LogFile, m.LogTail(30))
		}
	}
	return cl.waitFormed(ctx, n)
}

// startMember runs the quickstart of member i (1-based): `ha` for the
// first, `join` (to the first) for the others, on a free loopback port,
// trying another port if one was taken between picking and binding.
func (cl *Cluster) startMember(ctx context.Context, bin string, i int) error {
	m := cl.Members[i-1]
	id := fmt.Sprintf("ctrl%d", i)
	userHome := filepath.Join(m.Dir, "user-home")
	if err := os.MkdirAll(userHome, 0o700); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if m.Addr, err = freeAddr(); err != nil {
			return err
		}
		m.URL = "https://" + m.Addr
		host, port, _ := net.SplitHostPort(m.Addr)
		args := []string{"edge", "quickstart", "ha", "--home", cl.Home, "--ctrl-address", host, "--ctrl-port", port,
			"--no-router", "--username", cl.Username, "--password", cl.Password, "--instance-id", id, "--trust-domain", cl.TrustDomain}
		if i > 1 {
			args[2] = "join"
			args = append(args, "--cluster-member", "tls:"+cl.Members[0].Addr)
		}
		m.starts++
		err = m.serveZiti(ctx, bin, args, []string{
			"HOME=" + userHome,
			"ZITI_CTRL_BIND_ADDRESS=" + host,
			"ZITI_CTRL_EDGE_BIND_ADDRESS=" + host,
		}, fmt.Sprintf("cluster member %s start %d", id, m.starts))
		if err == nil {
			break
		}
		if !strings.Contains(tailFile(m.LogFile, 40), "address already in use") {
			return err
		}
		_ = os.RemoveAll(filepath.Join(cl.Home, id)) // its config names the taken port
	}
	if err != nil {
		return err
	}
	if i == 1 {
		cl.CAPEM = m.CAPEM // the root CA the probe verified it with
		if err := os.WriteFile(cl.CAFile, cl.CAPEM, 0o600); err != nil {
			return err
		}
	}
	// From now on the member runs from its own config: Restart and Kill
	// use `ziti controller run` (its raft data marks it initialised).
	m.config = filepath.Join(cl.Home, id, "ctrl.yaml")
	m.db = filepath.Join(cl.Home, id, "db")
	return os.WriteFile(m.CAFile, cl.CAPEM, 0o600)
}

// waitFormed waits until the first member lists n connected voters and a
// leader.
func (cl *Cluster) waitFormed(ctx context.Context, n int) error {
	deadline := time.Now().Add(time.Minute)
	var last string
	for {
		ms, err := cl.Members[0].ClusterMembers(ctx)
		if err == nil {
			voters, leader := 0, false
			for _, m := range ms {
				if m.Voter && m.Connected {
					voters++
				}
				leader = leader || m.Leader
			}
			if voters == n && leader {
				return nil
			}
			last = fmt.Sprintf("%+v", ms)
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the cluster did not list %d connected voters and a leader within a minute: %s", n, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// URLs are the members' root URLs, in order.
func (cl *Cluster) URLs() []string {
	out := make([]string, len(cl.Members))
	for i, m := range cl.Members {
		out[i] = m.URL
	}
	return out
}

// Leader is the index in Members of the member the given member (which
// must be up) reports as the leader, or -1 when it knows none.
func (cl *Cluster) Leader(ctx context.Context, asked int) (int, error) {
	ms, err := cl.Members[asked].ClusterMembers(ctx)
	if err != nil {
		return -1, err
	}
	for _, m := range ms {
		if m.Leader {
			for i, c := range cl.Members {
				if m.Address == "tls:"+c.Addr {
					return i, nil
				}
			}
			return -1, fmt.Errorf("the leader %s (%s) is not a member this harness started", m.ID, m.Address)
		}
	}
	return -1, nil
}

// Close stops every member and removes a temporary Dir.
func (cl *Cluster) Close() error { return cl.close(false) }

// CloseKeep is Close that keeps Dir for a failure's diagnosis.
func (cl *Cluster) CloseKeep() error { return cl.close(true) }

func (cl *Cluster) close(keep bool) error {
	for _, m := range cl.Members {
		_ = m.Close() // its Dir lies inside the cluster's
	}
	if cl.tmpDir && !keep {
		return os.RemoveAll(cl.Dir)
	}
	return nil
}

// Stop takes the real controller down and leaves it down (Restart starts it
// again): with kill, SIGKILL at once, as a crash would; otherwise SIGTERM
// and SIGKILL after 10s.
func (c *Controller) Stop(kill bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Kind != Ziti || c.proc == nil {
		return fmt.Errorf("Stop needs a controller process: %s runs in-process", c.Kind)
	}
	grace := 10 * time.Second
	if kill {
		grace = 0
	}
	c.proc.stop(grace)
	return nil
}

// ClusterMembers lists the raft cluster members as this controller sees
// them (GET /fabric/v1/cluster/list-members as the admin).
func (c *Controller) ClusterMembers(ctx context.Context) ([]ClusterMember, error) {
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.CertPool(), MinVersion: tls.VersionTLS12}}}
	defer hc.CloseIdleConnections()
	body, _ := json.Marshal(map[string]string{"username": c.Username, "password": c.Password})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.URL+"/edge/management/v1/authenticate?method=password", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	token := resp.Header.Get("zt-session")
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || token == "" {
		return nil, fmt.Errorf("admin login to %s: %s", c.URL, resp.Status)
	}
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, c.URL+"/fabric/v1/cluster/list-members", nil)
	req.Header.Set("zt-session", token)
	resp, err = hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var env struct {
		Data []ClusterMember `json:"data"`
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s/fabric/v1/cluster/list-members: %s", c.URL, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, err
	}
	if len(env.Data) == 0 {
		return nil, errors.New("the cluster lists no members")
	}
	return env.Data, nil
}
