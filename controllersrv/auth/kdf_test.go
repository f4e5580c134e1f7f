package auth

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

// niceThreads lists this process's threads at the given nice value. With
// ended set it leaves out the main thread: when a goroutine that locked it
// exits, the runtime parks it for good instead of ending it (a process
// whose main thread ends is a zombie on Linux), so it runs nothing more.
func niceThreads(t *testing.T, nice int, ended bool) []string {
	t.Helper()
	tasks, err := filepath.Glob("/proc/self/task/*/stat")
	if err != nil || len(tasks) == 0 {
		t.Fatalf("cannot list this process's threads: %v", err)
	}
	var tids []string
	main := strconv.Itoa(os.Getpid())
	for _, f := range tasks {
		tid := filepath.Base(filepath.Dir(f))
		if ended && tid == main {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the thread ended
		}
		// Fields after the command's closing parenthesis; nice is the
		// 19th field of the line, the 17th after it.
		fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if v, err := strconv.Atoi(fields[16]); err == nil && v == nice {
			tids = append(tids, tid)
		}
	}
	return tids
}

// TestKDFThread: a derivation runs on a thread of its own at kdfPriority,
// with GOMAXPROCS one higher while that thread lives; its memory is not
// on the Go heap; the thread ends after the idle time and GOMAXPROCS is
// back. Keys are argon2id's.
func TestKDFThread(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("!!! SKIPPING: thread priorities are set only on Linux")
	}
	// The package's own pool (other tests hash passwords) ends its
	// threads after its idle time.
	deadline := time.Now().Add(10 * time.Second)
	for len(niceThreads(t, kdfPriority, true)) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("threads %v at nice %d long after the last derivation", niceThreads(t, kdfPriority, true), kdfPriority)
		}
		time.Sleep(50 * time.Millisecond)
	}
	const nice = kdfPriority + 2 // apart from the package's pool
	p := newKDFPool(2, 300*time.Millisecond, nice)
	procs := runtime.GOMAXPROCS(0)
	// The main thread may be at nice already: parked by an earlier run.
	parked := niceThreads(t, nice, false)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	salt := []byte("0123456789abcdef")
	key, err := p.derive([]byte("secret"), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	if err != nil {
		t.Fatal(err)
	}
	if want := argon2.IDKey([]byte("secret"), salt, argonTime, argonMemory, argonThreads, argonKeyLen); string(key) != string(want) {
		t.Fatal("the key differs from argon2id's")
	}
	// Back-to-back derivations keep the one thread (and its memory).
	for range 4 {
		if _, err := p.derive([]byte("secret"), salt, 1, 64, 1, 32); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(niceThreads(t, nice, false)) - len(parked); n != 1 {
		t.Fatalf("%d threads at nice %d after five derivations one after another, want 1", n, nice)
	}
	if got := runtime.GOMAXPROCS(0); got != procs+1 {
		t.Fatalf("GOMAXPROCS is %d while the derivation thread lives, want %d", got, procs+1)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 4<<20 {
		t.Fatalf("the live heap grew by %d KiB with the derivation thread's memory: it must be outside the heap", grew>>10)
	}

	deadline = time.Now().Add(5 * time.Second)
	for len(niceThreads(t, nice, true)) != 0 || runtime.GOMAXPROCS(0) != procs {
		if time.Now().After(deadline) {
			t.Fatalf("after the idle time: threads %v at nice %d, GOMAXPROCS %d (want none and %d)",
				niceThreads(t, nice, true), nice, runtime.GOMAXPROCS(0), procs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
