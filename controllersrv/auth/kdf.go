package auth

import (
	"runtime"
	"runtime/debug"
	"sync"
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
// Each derivation thread holds a Go P while it computes, so while such
// threads live GOMAXPROCS is raised by their number: the other goroutines
// keep as many Ps as before, and the kernel, not the Go scheduler, decides
// who gets the cores.
//
// A thread also keeps its argon2 memory (19 MiB) between derivations
// instead of making it garbage each time, mapped outside the Go heap: live
// in the heap it would double the collector's goal (GOGC=100) and let as
// much garbage pile up before each collection. The thread ends, unmapping
// it, after two seconds without work: under a flood checks come back to
// back, and a lone login pays only the page faults x/crypto/argon2 paid on
// every call.
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
	workers int // threads alive
	asked   int // derivations asked for and not yet answered
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
	// Never unlocked: the thread ends with this goroutine, so no other
	// goroutine ever runs at its priority.
	runtime.LockOSThread()
	lowered := lowerThreadPriority(p.nice)
	if lowered {
		raiseProcs(1)
	}
	buf, unmap := mapMemory(argonMemory * 1024)
	mem := argon2id.NewMemory(buf)
	t := time.NewTimer(p.idle)
	defer t.Stop()
	var last time.Time
	for {
		select {
		case j := <-p.jobs:
			key, err := argon2id.Key(mem, j.password, j.salt, j.time, j.memory, j.threads, j.keyLen)
			j.done <- kdfResult{key, err}
			// Back to back (a flood), what the flood's requests left
			// goes back to the system after each derivation: with
			// 1,000 attackers the login flood benchmark measured a
			// peak RSS of 3.4x idle with this, 3.8x without.
			if time.Since(last) < time.Second {
				debug.FreeOSMemory()
			}
			last = time.Now()
			t.Reset(p.idle)
		case <-t.C:
			if !p.leave() {
				t.Reset(p.idle)
				continue
			}
			mem.Release()
			p.exit(lowered, unmap)
			return
		}
	}
}

// GOMAXPROCS is raised by one per thread of lower priority alive.
var procs struct {
	sync.Mutex
	raised int // threads of lower priority alive
	base   int // GOMAXPROCS before the first
}

func raiseProcs(n int) {
	procs.Lock()
	defer procs.Unlock()
	if procs.raised == 0 {
		procs.base = runtime.GOMAXPROCS(0)
	}
	procs.raised += n
	runtime.GOMAXPROCS(procs.base + procs.raised)
}

// leave reports whether an idle thread may end: the derivations asked
// for (which count on the threads alive to take them) are not more than
// the other threads. If so it is no longer counted.
func (p *kdfPool) leave() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.asked > p.workers-1 {
		return false
	}
	p.workers--
	return true
}

func (p *kdfPool) exit(lowered bool, unmap func()) {
	p.mu.Lock()
	last := p.workers == 0
	p.mu.Unlock()
	if lowered {
		raiseProcs(-1)
	}
	unmap()
	if last {
		// What the derivations' callers left (heap growth of a flood's
		// requests) goes back to the system now rather than at the
		// background scavenger's pace.
		debug.FreeOSMemory()
	}
}
