// Package argon2id derives argon2id keys (RFC 9106, version 0x13) on the
// calling goroutine, in memory the caller can keep for the next derivation.
//
// golang.org/x/crypto/argon2 computes the same keys, but it starts a
// goroutine per segment and allocates the whole memory (19 MiB for
// controllersrv's parameters) on every call. A controller under a login
// flood runs derivations back to back: here they run on a worker thread of
// lower priority, which only works if the whole computation stays on that
// thread, and they reuse one memory instead of making 19 MiB of garbage
// per check. The results are identical (the tests compare the two).
package argon2id

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"unsafe"

	"golang.org/x/crypto/blake2b"
)

// Version is the argon2 version this package implements (0x13).
const Version = 0x13

const (
	blockWords  = 128 // 64-bit words in a 1 KiB block
	syncPoints  = 4   // slices per pass
	typeID      = 2   // y for argon2id
	addressSize = blockWords
)

type block [blockWords]uint64

// Memory is the scratch memory of derivations, kept between them. The zero
// value is ready to use: it grows on the Go heap to the largest memory
// asked for. It is not safe for concurrent use.
type Memory struct {
	blocks []block
}

// NewMemory makes buf, which must be 8-byte aligned, the scratch memory:
// memory the caller keeps outside the Go heap, for instance, where it
// does not raise the collector's goal. A derivation that needs more than
// its whole 1 KiB blocks grows it on the heap.
func NewMemory(buf []byte) *Memory {
	n := len(buf) / (blockWords * 8)
	if n == 0 {
		return &Memory{}
	}
	if uintptr(unsafe.Pointer(&buf[0]))%8 != 0 {
		panic("argon2id: NewMemory needs an 8-byte aligned buffer")
	}
	return &Memory{blocks: unsafe.Slice((*block)(unsafe.Pointer(&buf[0])), n)}
}

// MemorySize is the memory, in bytes, that a derivation of memory KiB in
// threads lanes uses.
func MemorySize(memory uint32, threads uint8) int {
	return int(blockCount(memory, uint32(max(threads, 1)))) * blockWords * 8
}

// blockCount is m' = 4p * floor(m / 4p), at least 8p blocks.
func blockCount(memory, lanes uint32) uint32 {
	return max(memory/(syncPoints*lanes)*(syncPoints*lanes), 2*syncPoints*lanes)
}

// Size is the memory held, in bytes.
func (m *Memory) Size() int { return len(m.blocks) * blockWords * 8 }

// Key derives a keyLen-byte argon2id key from password and salt with time
// passes over memory KiB in threads lanes, as argon2.IDKey does, using
// mem (which may be nil: then the memory is allocated for this call).
func Key(mem *Memory, password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) ([]byte, error) {
	if time < 1 {
		return nil, errors.New("argon2id: time must be at least 1")
	}
	if threads < 1 {
		return nil, errors.New("argon2id: threads must be at least 1")
	}
	if keyLen < 4 {
		return nil, errors.New("argon2id: the key must be at least 4 bytes")
	}
	if mem == nil {
		mem = &Memory{}
	}
	lanes := uint32(threads)
	// H0 takes m as given; the memory used is m'.
	h0 := initialHash(password, salt, time, memory, lanes, keyLen)
	blocks := blockCount(memory, lanes)
	if uint32(len(mem.blocks)) < blocks {
		mem.blocks = make([]block, blocks)
	}
	// Every block is written before it is read: what an earlier
	// derivation left needs no clearing.
	b := mem.blocks[:blocks]
	laneLen := blocks / lanes
	var buf [1024]byte
	for l := range lanes {
		in := make([]byte, 0, blake2b.Size+8)
		in = append(in, h0[:]...)
		for j := range uint32(2) {
			in = binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(in[:blake2b.Size], j), l)
			hashLong(buf[:], in)
			b[l*laneLen+j].load(&buf)
		}
	}
	for pass := range time {
		for slice := range uint32(syncPoints) {
			// Lanes only refer to finished segments of other lanes, so
			// one after another gives what parallel lanes would.
			for l := range lanes {
				fillSegment(b, pass, slice, l, lanes, laneLen, time)
			}
		}
	}
	var final block
	for l := range lanes {
		final.xor(&b[l*laneLen+laneLen-1])
	}
	final.store(&buf)
	key := make([]byte, keyLen)
	hashLong(key, buf[:])
	return key, nil
}

// initialHash is H0.
func initialHash(password, salt []byte, time, memory, lanes, keyLen uint32) [blake2b.Size]byte {
	h, _ := blake2b.New512(nil)
	var w [4]byte
	put := func(v uint32) {
		binary.LittleEndian.PutUint32(w[:], v)
		h.Write(w[:])
	}
	for _, v := range []uint32{lanes, keyLen, memory, time, Version, typeID} {
		put(v)
	}
	for _, s := range [][]byte{password, salt, nil, nil} { // no secret, no associated data
		put(uint32(len(s)))
		h.Write(s)
	}
	var sum [blake2b.Size]byte
	h.Sum(sum[:0])
	return sum
}

// hashLong is H', the variable-length hash, into out.
func hashLong(out, in []byte) {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(out)))
	if len(out) <= blake2b.Size {
		h, _ := blake2b.New(len(out), nil)
		h.Write(n[:])
		h.Write(in)
		h.Sum(out[:0])
		return
	}
	h, _ := blake2b.New512(nil)
	h.Write(n[:])
	h.Write(in)
	var v [blake2b.Size]byte
	h.Sum(v[:0])
	// r = ceil(len/32) - 2 blocks of which the first half is kept, then
	// a last hash of the length that is left.
	r := (len(out)+31)/32 - 2
	copy(out, v[:32])
	for i := 1; i < r; i++ {
		v = blake2b.Sum512(v[:])
		copy(out[32*i:], v[:32])
	}
	last := len(out) - 32*r
	h, _ = blake2b.New(last, nil)
	h.Write(v[:])
	h.Sum(out[32*r : 32*r])
}

// fillSegment computes one lane's segment of a slice in a pass.
func fillSegment(b []block, pass, slice, lane, lanes, laneLen, time uint32) {
	segLen := laneLen / syncPoints
	// argon2id: the first half of the first pass is argon2i (addresses
	// that do not depend on the password), the rest argon2d.
	independent := pass == 0 && slice < syncPoints/2
	var addresses, input, zero block
	if independent {
		input[0], input[1], input[2] = uint64(pass), uint64(lane), uint64(slice)
		input[3], input[4], input[5] = uint64(len(b)), uint64(time), typeID
	}
	start := uint32(0)
	if pass == 0 && slice == 0 {
		start = 2 // the first two blocks come from H0
	}
	if independent && start != 0 {
		nextAddresses(&addresses, &input, &zero)
	}
	base := lane * laneLen
	for i := start; i < segLen; i++ {
		col := slice*segLen + i
		prev := base + col - 1
		if col == 0 {
			prev = base + laneLen - 1
		}
		var rand uint64
		if independent {
			if i%addressSize == 0 {
				nextAddresses(&addresses, &input, &zero)
			}
			rand = addresses[i%addressSize]
		} else {
			rand = b[prev][0]
		}
		refLane := uint32(rand>>32) % lanes
		if pass == 0 && slice == 0 {
			refLane = lane
		}
		ref := refLane*laneLen + refIndex(uint32(rand), pass, slice, i, segLen, laneLen, refLane == lane)
		cur := &b[base+col]
		compress(cur, &b[prev], &b[ref], pass > 0)
	}
}

// nextAddresses makes the next block of data-independent addresses:
// G(0, G(0, input)) with the input's counter one up.
func nextAddresses(addresses, input, zero *block) {
	input[6]++
	var t block
	compress(&t, zero, input, false)
	compress(addresses, zero, &t, false)
}

// refIndex maps the low half of the pseudo-random value to the column of
// the reference block in its lane (RFC 9106, section 3.4.1.2).
func refIndex(j1, pass, slice, index, segLen, laneLen uint32, sameLane bool) uint32 {
	var area uint32
	switch {
	case pass == 0 && slice == 0:
		area = index - 1
	case pass == 0 && sameLane:
		area = slice*segLen + index - 1
	case pass == 0:
		area = slice * segLen
		if index == 0 {
			area--
		}
	case sameLane:
		area = laneLen - segLen + index - 1
	default:
		area = laneLen - segLen
		if index == 0 {
			area--
		}
	}
	x := uint64(j1) * uint64(j1) >> 32
	rel := uint64(area) - 1 - (uint64(area) * x >> 32)
	start := uint32(0)
	if pass != 0 && slice != syncPoints-1 {
		start = (slice + 1) * segLen
	}
	return uint32((uint64(start) + rel) % uint64(laneLen))
}

// compress sets out to G(x, y), or to G(x, y) XOR out with xorOut (every
// pass after the first, version 0x13). out may not be x or y.
func compress(out, x, y *block, xorOut bool) {
	var r, q block
	for i := range r {
		r[i] = x[i] ^ y[i]
	}
	q = r
	for i := 0; i < blockWords; i += 16 { // rows: 16 consecutive words
		permute(&q[i], &q[i+1], &q[i+2], &q[i+3], &q[i+4], &q[i+5], &q[i+6], &q[i+7],
			&q[i+8], &q[i+9], &q[i+10], &q[i+11], &q[i+12], &q[i+13], &q[i+14], &q[i+15])
	}
	for i := 0; i < 16; i += 2 { // columns: word pairs 16 apart
		permute(&q[i], &q[i+1], &q[i+16], &q[i+17], &q[i+32], &q[i+33], &q[i+48], &q[i+49],
			&q[i+64], &q[i+65], &q[i+80], &q[i+81], &q[i+96], &q[i+97], &q[i+112], &q[i+113])
	}
	if xorOut {
		for i := range out {
			out[i] ^= q[i] ^ r[i]
		}
		return
	}
	for i := range out {
		out[i] = q[i] ^ r[i]
	}
}

// permute is P, BLAKE2b's round with multiplications, on 16 words.
func permute(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15 *uint64) {
	a0, a1, a2, a3, a4, a5, a6, a7 := *v0, *v1, *v2, *v3, *v4, *v5, *v6, *v7
	a8, a9, a10, a11, a12, a13, a14, a15 := *v8, *v9, *v10, *v11, *v12, *v13, *v14, *v15
	a0, a4, a8, a12 = gb(a0, a4, a8, a12)
	a1, a5, a9, a13 = gb(a1, a5, a9, a13)
	a2, a6, a10, a14 = gb(a2, a6, a10, a14)
	a3, a7, a11, a15 = gb(a3, a7, a11, a15)
	a0, a5, a10, a15 = gb(a0, a5, a10, a15)
	a1, a6, a11, a12 = gb(a1, a6, a11, a12)
	a2, a7, a8, a13 = gb(a2, a7, a8, a13)
	a3, a4, a9, a14 = gb(a3, a4, a9, a14)
	*v0, *v1, *v2, *v3, *v4, *v5, *v6, *v7 = a0, a1, a2, a3, a4, a5, a6, a7
	*v8, *v9, *v10, *v11, *v12, *v13, *v14, *v15 = a8, a9, a10, a11, a12, a13, a14, a15
}

// gb is GB: BLAKE2b's G with each addition made a + b + 2*lo(a)*lo(b).
func gb(a, b, c, d uint64) (uint64, uint64, uint64, uint64) {
	a = a + b + 2*uint64(uint32(a))*uint64(uint32(b))
	d = bits.RotateLeft64(d^a, -32)
	c = c + d + 2*uint64(uint32(c))*uint64(uint32(d))
	b = bits.RotateLeft64(b^c, -24)
	a = a + b + 2*uint64(uint32(a))*uint64(uint32(b))
	d = bits.RotateLeft64(d^a, -16)
	c = c + d + 2*uint64(uint32(c))*uint64(uint32(d))
	b = bits.RotateLeft64(b^c, -63)
	return a, b, c, d
}

func (b *block) load(buf *[1024]byte) {
	for i := range b {
		b[i] = binary.LittleEndian.Uint64(buf[8*i:])
	}
}

func (b *block) store(buf *[1024]byte) {
	for i, w := range b {
		binary.LittleEndian.PutUint64(buf[8*i:], w)
	}
}

func (b *block) xor(o *block) {
	for i := range b {
		b[i] ^= o[i]
	}
}
