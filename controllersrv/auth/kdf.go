package auth

import (
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth/argon2id"
)

// Password key derivations run on threads of their own, one derivation at
// a time each, at a lower scheduling priority than the rest of the
// controller (nice 10 on Linux). A flood of bad logins from many addresses
// keeps the limiter's worker busy back to back; at the same priority that
// takes a core from every other request (the login flood benchmark measured
// the other clients' GET p99 at 2.2x to 3.6x). At a lower one the kernel
// runs the derivations on what the other requests leave.
//
// GOMAXPROCS is left as it is: a derivation thread holds one of the Ps
// while it computes, and the kernel lets the threads of the others run
// first. Raising GOMAXPROCS by one per such thread, so that the others
// kept as many Ps, made the other clients' p99 worse in the login flood
// benchmark (8 to 16 ms against 5 to 11, and one run at 147 ms: three
// runnable threads on two cores), not better.
//
// A thread also keeps its argon2 memory (7 MiB) between derivations
// instead of making it garbage each time, mapped outside the Go heap: live
// in the heap it would double the collector's goal (GOGC=100) and let as
// much garbage pile up before each collection. The thread unmaps it after
// two seconds without work: under a flood checks come back to back, and a
// lone login pays only the page faults x/crypto/argon2 paid on every
// call.
var kdf = newKDFPool(runtime.NumCPU(), 2*time.Second, kdfPriority)

// kdfPriority is the nice value of a derivation thread: low enough that
// the other requests win the cores, not so low that the thread waits long
// for a core when the runtime stops the world for a collection (every P
// must reach a safe point, this one too).
const kdfPriority = 10

type kdfJob struct {
	password, salt []byte
	time, memory   uint32
	threads        uint8
	keyLen         uint32
	done           chan kdfResult
}

type kdfResult struct {
	key []byte
	err error
}

type kdfPool struct {
	jobs chan *kdfJob
	max  int
	idle time.Duration
	nice int

	mu      sync.Mutex
	workers int // threads started (they never end)
	asked   int // derivations asked for and not yet answered

	mapped atomic.Int64 // bytes of argon2 memory mapped
}

func newKDFPool(maxWorkers int, idle time.Duration, nice int) *kdfPool {
	return &kdfPool{jobs: make(chan *kdfJob), max: maxWorkers, idle: idle, nice: nice}
}

// derive runs argon2id on a derivation thread. A thread is started only
// when more derivations are asked for at once than threads live (and
// fewer than max live): a thread that is just done with one takes the
// next, so back-to-back derivations keep one thread and one memory.
func (p *kdfPool) derive(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) ([]byte, error) {
	j := &kdfJob{password: password, salt: salt, time: time, memory: memory, threads: threads, keyLen: keyLen,
		done: make(chan kdfResult, 1)}
	p.mu.Lock()
	p.asked++
	if p.asked > p.workers && p.workers < p.max {
		p.workers++
		go p.work()
	}
	p.mu.Unlock()
	p.jobs <- j
	r := <-j.done
	p.mu.Lock()
	p.asked--
	p.mu.Unlock()
	return r.key, r.err
}

func (p *kdfPool) work() {
	// Locked for good, and the thread never ends: its priority cannot
	// be raised back without a privilege, and ending it would kill the
	// child processes it started before this goroutine took it (Linux
	// sends the parent-death signal of os/exec's Pdeathsig, which
	// terraform-exec sets, when the forking thread ends, not the
	// process: the provider's acceptance tests, which run controllersrv
	// in the same process, saw terraform killed).
	runtime.LockOSThread()
	lowerThreadPriority(p.nice)
	var (
		size  int
		unmap func()
		mem   *argon2id.Memory
		last  time.Time
	)
	idle := time.NewTimer(p.idle)
	idle.Stop()
	for {
		select {
		case j := <-p.jobs:
			if need := argon2id.MemorySize(j.memory, j.threads); mem == nil || need > size {
				// The first derivation after a pause, or a hash made
				// with more memory: map what it needs.
				if unmap != nil {
					unmap()
					p.mapped.Add(-int64(size))
				}
				size = max(need, argon2id.MemorySize(argonMemory, argonThreads))
				var buf []byte
				buf, unmap = mapMemory(size)
				mem = argon2id.NewMemory(buf)
				p.mapped.Add(int64(size))
			}
			key, err := argon2id.Key(mem, j.password, j.salt, j.time, j.memory, j.threads, j.keyLen)
			j.done <- kdfResult{key, err}
			// Back to back (a flood), what the flood's requests left
			// goes back to the system after each derivation: with
			// 1,000 attackers from 1,000 addresses the login flood
			// benchmark measured a peak RSS of 1.7x idle with this,
			// 2.9x to 3.5x without.
			if time.Since(last) < time.Second {
				debug.FreeOSMemory()
			}
			last = time.Now()
			idle.Reset(p.idle)
		case <-idle.C:
			// Idle: the memory goes back to the system.
			unmap()
			p.mapped.Add(-int64(size))
			mem, unmap = nil, nil
		}
	}
}
