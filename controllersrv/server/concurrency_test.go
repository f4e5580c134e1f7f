package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// TestTokenSingleUseUnderConcurrency fires 100 enrollments with one token at
// once: exactly one may succeed.
func TestTokenSingleUseUnderConcurrency(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	id := admin.createIdentity(map[string]any{"name": "racer", "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ott": true}})
	token := jsonPath(admin.mustStatus(admin.do("GET", "/edge/management/v1/identities/"+id, nil), 200).data(t), "enrollment", "ott", "token").(string)

	const n = 100
	csrs := make([][]byte, n)
	for i := range csrs {
		_, csrs[i] = newCSR(t)
	}
	anon := newClient(t, s)
	anon.check = os.Getenv("NOCHECK") == ""
	var wg sync.WaitGroup
	var ok, refused, other atomic.Int32
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			r := anon.do("POST", "/edge/client/v1/enroll?method=ott&token="+token, csrs[i], "Content-Type", "application/x-pem-file")
			switch {
			case r.Status == 200:
				ok.Add(1)
			case r.Status == 400 && r.errorCode(t) == "INVALID_ENROLLMENT_TOKEN":
				refused.Add(1)
			default:
				other.Add(1)
				t.Errorf("unexpected answer %d %s", r.Status, r.Body)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	if ok.Load() != 1 || refused.Load() != n-1 {
		t.Fatalf("%d successes, %d refusals, %d other; want exactly 1 success and %d clear refusals", ok.Load(), refused.Load(), other.Load(), n-1)
	}
	var certs int
	err := s.db.View(func(tx *store.Tx) error {
		as, err := tx.AuthenticatorsOfIdentity(id)
		certs = len(as)
		return err
	})
	if err != nil || certs != 1 {
		t.Fatalf("identity has %d authenticators (%v), want 1", certs, err)
	}
}

// childInfo is what the child controller reports on stdout.
type childInfo struct {
	URL, Home, Password string
}

// TestChildController is not a test: the durability test runs the test
// binary with CONTROLLERSRV_CHILD_HOME set to get a controller in a child
// process it can kill -9.
func TestChildController(t *testing.T) {
	home := os.Getenv("CONTROLLERSRV_CHILD_HOME")
	if home == "" {
		return // as os/exec's TestHelperProcess: only a child runs it
	}
	s, err := Start(context.Background(), Options{Home: home, Bind: "127.0.0.1:0", AdminPassword: "child-pw-123"})
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	info, _ := json.Marshal(childInfo{URL: s.URL(), Home: home, Password: "child-pw-123"})
	fmt.Println(string(info))
	select {} // until killed
}

// TestDurabilityKill9 writes under load to a controller in a child process,
// kills it with SIGKILL, reopens the database and requires every identity
// whose creation was acknowledged (201) to be there.
func TestDurabilityKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPING durability test in -short mode")
	}
	home := t.TempDir()
	c, cmd := startChild(t, home)

	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id, ok := tryCreate(c, fmt.Sprintf("w%d-%d", w, i))
				if ok {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}
		}(w)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	_ = cmd.Wait()

	mu.Lock()
	defer mu.Unlock()
	if len(acked) < 10 {
		t.Fatalf("only %d writes acknowledged before the kill; the test proves nothing", len(acked))
	}
	db, err := store.Open(filepath.Join(home, "db", "ctrl.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	missing := 0
	err = db.View(func(tx *store.Tx) error {
		for _, id := range acked {
			if _, err := tx.GetIdentity(id); err != nil {
				missing++
			}
		}
		return nil
	})
	if err != nil || missing > 0 {
		t.Fatalf("%d of %d acknowledged identities lost after kill -9 (%v)", missing, len(acked), err)
	}
	t.Logf("%d acknowledged writes, all present after kill -9", len(acked))
}

// tryCreate creates an identity, tolerating the connection dying mid-way.
func tryCreate(c *client, name string) (string, bool) {
	body, _ := json.Marshal(map[string]any{"name": name, "type": "Device", "isAdmin": false})
	req, _ := newJSONRequest(c.s.URL()+"/edge/management/v1/identities", body, c.session)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return "", false
	}
	var env struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return "", false
	}
	return env.Data.ID, env.Data.ID != ""
}
