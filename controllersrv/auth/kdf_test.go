package auth

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

// niceThreads lists this process's threads at the given nice value.
func niceThreads(t *testing.T, nice int) []string {
	t.Helper()
	tasks, err := filepath.Glob("/proc/self/task/*/stat")
	if err != nil || len(tasks) == 0 {
		t.Fatalf("cannot list this process's threads: %v", err)
	}
	var tids []string
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the thread ended
		}
		// Fields after the command's closing parenthesis; nice is the
		// 19th field of the line, the 17th after it.
		fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if v, err := strconv.Atoi(fields[16]); err == nil && v == nice {
			tids = append(tids, filepath.Base(filepath.Dir(f)))
		}
	}
	return tids
}

// TestKDFThread: a derivation runs on a thread of its own at its nice
// value; its memory is not on the Go heap. Back-to-back derivations keep
// the one thread. After the idle time the memory is unmapped, but the
// thread stays (a thread that ends kills the child processes it
// started) and takes the next derivation. Keys are argon2id's.
func TestKDFThread(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("!!! SKIPPING: thread priorities are set only on Linux")
	}
	// The package's own pool (other tests hash passwords) goes idle
	// after its idle time.
	deadline := time.Now().Add(10 * time.Second)
	for kdf.mapped.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the package's derivation threads are still working long after the last derivation")
		}
		time.Sleep(50 * time.Millisecond)
	}
	const nice = kdfPriority + 2 // apart from the package's pool
	p := newKDFPool(2, 300*time.Millisecond, nice)
	// The main thread may be at nice already: taken by an earlier run.
	before := len(niceThreads(t, nice))
	var heapBefore runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&heapBefore)

	salt := []byte("0123456789abcdef")
	key, err := p.derive([]byte("secret"), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	if err != nil {
		t.Fatal(err)
	}
	if want := argon2.IDKey([]byte("secret"), salt, argonTime, argonMemory, argonThreads, argonKeyLen); string(key) != string(want) {
		t.Fatal("the key differs from argon2id's")
	}
	for range 4 {
		if _, err := p.derive([]byte("secret"), salt, 1, 64, 1, 32); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(niceThreads(t, nice)) - before; n != 1 {
		t.Fatalf("%d threads at nice %d after five derivations one after another, want 1", n, nice)
	}
	if p.mapped.Load() == 0 {
		t.Fatal("no argon2 memory mapped while the derivation thread works")
	}
	var heapAfter runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&heapAfter)
	if grew := int64(heapAfter.HeapAlloc) - int64(heapBefore.HeapAlloc); grew > 4<<20 {
		t.Fatalf("the live heap grew by %d KiB with the derivation thread's memory: it must be outside the heap", grew>>10)
	}

	deadline = time.Now().Add(5 * time.Second)
	for p.mapped.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after the idle time: %d bytes still mapped", p.mapped.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := p.derive([]byte("secret"), salt, 1, 64, 1, 32); err != nil {
		t.Fatal(err)
	}
	if n := len(niceThreads(t, nice)) - before; n != 1 {
		t.Fatalf("%d threads at nice %d after a derivation that followed the idle time, want the same 1", n, nice)
	}
}

// TestCheckPasswordOtherParameters: a hash made with other parameters (the
// 19 MiB, t=2 of earlier versions, more memory than the derivation
// thread maps first) still verifies.
func TestCheckPasswordOtherParameters(t *testing.T) {
	// A hash of the current parameters first: the thread maps their
	// memory, then a bigger one for the hash below.
	h, err := HashPassword("right")
	if err != nil {
		t.Fatal(err)
	}
	salt := []byte("0123456789abcdef")
	sum := argon2.IDKey([]byte("right"), salt, 2, 19*1024, 1, 32)
	encoded := "$argon2id$v=19$m=19456,t=2,p=1$" + base64.RawStdEncoding.EncodeToString(salt) + "$" + base64.RawStdEncoding.EncodeToString(sum)
	for pw, want := range map[string]bool{"right": true, "wrong": false} {
		ok, err := CheckPassword(encoded, pw)
		if err != nil || ok != want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	// The derivation thread mapped the bigger memory in place of its
	// own, and gives it back when idle.
	deadline := time.Now().Add(5 * time.Second)
	for kdf.mapped.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes still mapped after the idle time", kdf.mapped.Load())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// And the current parameters are what new hashes get.
	if want := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$", argonMemory, argonTime, argonThreads); !strings.HasPrefix(h, want) {
		t.Fatalf("new hash %q does not start with %q", h[:strings.LastIndexByte(h, '$')], want)
	}
}
