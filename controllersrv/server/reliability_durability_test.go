package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// TestDurabilityKill9Repeated extends TestDurabilityKill9 (one kill, store
// reopened offline) to the full cycle, five times on one home: a child
// controller under create load (identities, half of them with an ott
// enrollment) is killed with SIGKILL at a random point, restarted on the
// same home, and must start cleanly and serve every object acknowledged in
// any round so far - through the API, not only in the file.
func TestDurabilityKill9Repeated(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPING durability test in -short mode")
	}
	home := t.TempDir()
	type acked struct{ id, name string }
	var all []acked
	for round := 0; round < 5; round++ {
		c, cmd := startChild(t, home)
		// Everything acknowledged before this start must be served now.
		for _, a := range all {
			r := c.do("GET", "/edge/management/v1/identities/"+a.id, nil)
			if r.Status != 200 {
				t.Fatalf("round %d: acknowledged identity %s (%s) answers %d after restart: %s", round, a.id, a.name, r.Status, r.Body)
			}
			if n, _ := r.data(t)["name"].(string); n != a.name {
				t.Fatalf("round %d: identity %s is named %q, acknowledged as %q", round, a.id, n, a.name)
			}
		}
		var mu sync.Mutex
		var got []acked
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					name := fmt.Sprintf("r%d-w%d-%d", round, w, i)
					var enr map[string]any
					if i%2 == 0 {
						enr = map[string]any{"ott": true}
					}
					if id, ok := tryCreateWith(c, name, enr); ok {
						mu.Lock()
						got = append(got, acked{id, name})
						mu.Unlock()
					}
				}
			}(w)
		}
		// A random point between 300 ms and 1.5 s into the load.
		time.Sleep(300*time.Millisecond + time.Duration(rand.Int64N(int64(1200*time.Millisecond))))
		if err := cmd.Process.Signal(os.Kill); err != nil {
			t.Fatal(err)
		}
		close(stop)
		wg.Wait()
		_ = cmd.Wait()
		if len(got) == 0 {
			t.Fatalf("round %d: no write acknowledged before the kill; the round proves nothing", round)
		}
		t.Logf("round %d: %d writes acknowledged before kill -9", round, len(got))
		all = append(all, got...)
	}
	// Last restart: every acknowledged object, and the pending enrollments
	// of the even ones, are there; the store is consistent offline too.
	c, cmd := startChild(t, home)
	for _, a := range all {
		c.mustStatus(c.do("GET", "/edge/management/v1/identities/"+a.id, nil), 200)
	}
	_ = cmd.Process.Signal(os.Kill)
	_ = cmd.Wait()
	db, err := store.Open(filepath.Join(home, "db", "ctrl.db"))
	if err != nil {
		t.Fatalf("store does not open after 6 kills: %v", err)
	}
	defer db.Close()
	err = db.View(func(tx *store.Tx) error {
		for _, a := range all {
			if _, err := tx.GetIdentity(a.id); err != nil {
				return fmt.Errorf("identity %s: %w", a.id, err)
			}
		}
		// No enrollment may point at a missing identity (half-written).
		return tx.Each(store.BucketEnrollments, func(id string, data []byte) error {
			var e struct {
				IdentityID string `json:"identityId"`
			}
			if err := json.Unmarshal(data, &e); err != nil {
				return fmt.Errorf("enrollment %s is not JSON: %w", id, err)
			}
			if e.IdentityID != "" {
				if _, err := tx.GetIdentity(e.IdentityID); err != nil {
					return fmt.Errorf("enrollment %s points at missing identity %s", id, e.IdentityID)
				}
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d acknowledged writes over 5 kill -9 rounds, all present", len(all))
}

// startChild runs TestChildController on home and logs in as admin.
func startChild(t testing.TB, home string) (*client, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildController$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CONTROLLERSRV_CHILD_HOME="+home)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("child did not start: %v", err)
	}
	var info childInfo
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatalf("child did not start cleanly, it said %q", line)
	}
	caPEM, err := os.ReadFile(filepath.Join(home, "pki", "cas.pem"))
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, &Server{url: info.URL, caPEM: caPEM, adminUser: "admin", adminPass: info.Password})
	c.check = false
	c.admin()
	return c, cmd
}

// tryCreateWith is tryCreate with an optional enrollment block.
func tryCreateWith(c *client, name string, enrollment map[string]any) (string, bool) {
	b := map[string]any{"name": name, "type": "Device", "isAdmin": false}
	if enrollment != nil {
		b["enrollment"] = enrollment
	}
	body, _ := json.Marshal(b)
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
