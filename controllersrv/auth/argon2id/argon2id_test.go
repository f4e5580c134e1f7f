package argon2id

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"golang.org/x/crypto/argon2"
)

// TestMatchesXCrypto compares keys with golang.org/x/crypto/argon2, whose
// own tests hold RFC 9106's vectors, over parameters that reach every
// branch: one and several lanes, one and several passes, memory that is
// not a multiple of 4*lanes, more than one block of addresses per
// segment, and keys shorter and longer than 64 bytes.
func TestMatchesXCrypto(t *testing.T) {
	cases := []struct {
		time, memory uint32
		threads      uint8
		keyLen       uint32
	}{
		{1, 8, 1, 32}, {1, 5, 2, 32}, {1, 64, 1, 4}, {2, 19 * 1024, 1, 32}, {3, 1000, 1, 65},
		{1, 64, 4, 32}, {3, 37, 2, 16}, {4, 2048, 3, 100}, {2, 4096, 8, 64}, {1, 1031, 7, 1024},
	}
	var mem Memory
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range cases {
		t.Run(fmt.Sprintf("t=%d,m=%d,p=%d,len=%d", c.time, c.memory, c.threads, c.keyLen), func(t *testing.T) {
			for _, m := range []*Memory{nil, &mem} {
				password := make([]byte, rng.IntN(40))
				salt := make([]byte, 8+rng.IntN(24))
				for _, b := range [][]byte{password, salt} {
					for i := range b {
						b[i] = byte(rng.Uint32())
					}
				}
				got, err := Key(m, password, salt, c.time, c.memory, c.threads, c.keyLen)
				if err != nil {
					t.Fatal(err)
				}
				want := argon2.IDKey(password, salt, c.time, c.memory, c.threads, c.keyLen)
				if !bytes.Equal(got, want) {
					t.Fatalf("key differs from x/crypto/argon2:\n got %x\nwant %x", got, want)
				}
			}
		})
	}
	// The memory grew to the largest derivation and is reused: a smaller
	// one after a larger one must not see the old blocks.
	if mem.Size() < 4096*1024 {
		t.Fatalf("kept memory is %d bytes", mem.Size())
	}
}

func TestBadParameters(t *testing.T) {
	for _, c := range []struct {
		time    uint32
		threads uint8
		keyLen  uint32
	}{{0, 1, 32}, {1, 0, 32}, {1, 1, 3}} {
		if _, err := Key(nil, nil, []byte("saltsalt"), c.time, 64, c.threads, c.keyLen); err == nil {
			t.Errorf("t=%d p=%d len=%d: no error", c.time, c.threads, c.keyLen)
		}
	}
}

// The parameters controllersrv hashes passwords with.
func BenchmarkKey(b *testing.B) {
	var mem Memory
	for range b.N {
		_, _ = Key(&mem, []byte("password"), []byte("0123456789abcdef"), 2, 19*1024, 1, 32)
	}
}

func BenchmarkXCrypto(b *testing.B) {
	for range b.N {
		argon2.IDKey([]byte("password"), []byte("0123456789abcdef"), 2, 19*1024, 1, 32)
	}
}
