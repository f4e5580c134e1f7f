package testctl

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// TestCluster forms a real three-controller cluster on loopback and checks
// what the provider's failover relies on: each member serves TLS that the
// one root CA verifies for 127.0.0.1, with a SPIFFE controller id; a write
// on one member is read on the others; an API session of one member is
// unknown to the others (so a client that moves must log in again); and
// after the leader is killed the two others elect a new one, take writes,
// and the old leader rejoins when it is restarted.
func TestCluster(t *testing.T) {
	cl := StartClusterT(t, 3)
	ctx := context.Background()
	for i, m := range cl.Members {
		if host, _, _ := net.SplitHostPort(m.Addr); host != "127.0.0.1" {
			t.Fatalf("member %d listens on %s", i, m.Addr)
		}
		conn, err := tls.Dial("tcp", m.Addr, &tls.Config{RootCAs: m.CertPool(), ServerName: "127.0.0.1"})
		if err != nil {
			t.Fatalf("member %d: TLS with the cluster CA: %v", i, err)
		}
		leaf := conn.ConnectionState().PeerCertificates[0]
		conn.Close()
		if !hasSPIFFEController(leaf, cl.TrustDomain) {
			t.Fatalf("member %d's certificate has no spiffe://%s/controller/ URI: %v", i, cl.TrustDomain, leaf.URIs)
		}
	}
	leader, err := cl.Leader(ctx, 1)
	if err != nil || leader != 0 {
		t.Fatalf("leader %d (%v), want the first member", leader, err)
	}

	// A write through a follower is replicated to every member.
	apis := make([]*edgeapi.Client, 3)
	for i, m := range cl.Members {
		if apis[i], err = m.AdminClient(); err != nil {
			t.Fatal(err)
		}
	}
	id, err := apis[2].CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: "cluster-probe", Type: "Device"})
	if err != nil {
		t.Fatalf("create through a follower: %v", err)
	}
	// Followers apply a committed entry shortly after the leader answers,
	// so each member gets a few seconds to show it.
	for i, api := range apis {
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, err := api.GetIdentity(ctx, id)
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("member %d does not have the identity 10s after it was created: %v", i, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	// An API session is the member's own.
	s, err := apis[0].CurrentAPISession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{http.StatusOK, http.StatusUnauthorized, http.StatusUnauthorized} {
		if got := sessionStatus(t, cl.Members[i], s.Token); got != want {
			t.Fatalf("member 0's API session on member %d: %d, want %d", i, got, want)
		}
	}

	// Kill the leader: the others elect one and take writes again.
	t0 := time.Now()
	if err := cl.Members[0].Stop(true); err != nil {
		t.Fatal(err)
	}
	var newLeader int
	for {
		if newLeader, err = cl.Leader(ctx, 1); err == nil && newLeader > 0 {
			break
		}
		if time.Since(t0) > time.Minute {
			t.Fatalf("no new leader a minute after the leader died (%d, %v)", newLeader, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	elected := time.Since(t0)
	if _, err := apis[1].CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: "after-election", Type: "Device"}); err != nil {
		t.Fatalf("create after the election: %v", err)
	}
	t.Logf("member %d leads %v after the leader was killed", newLeader, elected.Round(time.Millisecond))

	// The old leader comes back from its own config and catches up.
	rctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := cl.Members[0].Restart(rctx); err != nil {
		t.Fatalf("restarting member 0: %v", err)
	}
	for {
		list, err := apis[0].ListIdentities(ctx, edgeapi.ListOptions{Filter: `name = "after-election"`})
		if err == nil && len(list) == 1 {
			break
		}
		if time.Since(t0) > 2*time.Minute {
			t.Fatalf("the restarted member does not have the identity made while it was down: %v %v", list, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func hasSPIFFEController(c *x509.Certificate, trustDomain string) bool {
	for _, u := range c.URIs {
		if u.Scheme == "spiffe" && u.Host == trustDomain && strings.HasPrefix(u.Path, "/controller/") {
			return true
		}
	}
	return false
}

// sessionStatus is the status member m answers to GET
// /current-api-session with token.
func sessionStatus(t *testing.T, m *Controller, token string) int {
	t.Helper()
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: m.CertPool(), MinVersion: tls.VersionTLS12}}}
	defer hc.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodGet, m.ManagementURL()+"/current-api-session", nil)
	req.Header.Set(edgeapi.SessionHeader, token)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
