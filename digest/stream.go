package digest

import (
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"
)

// bufSize is the read size for streaming. 1 MiB keeps syscalls rare and the
// buffer in L2; measured in bench/ against sha256sum.
const bufSize = 1 << 20

var bufPool = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}

// FromReader hashes everything r yields with alg, in constant memory.
func FromReader(r io.Reader, alg Algorithm) (Digest, error) {
	s, err := SetFromReader(r, alg)
	if err != nil {
		return Digest{}, err
	}
	d, _ := s.Get(alg)
	return d, nil
}

// FromFile hashes the named file with alg, in constant memory.
func FromFile(path string, alg Algorithm) (Digest, error) {
	s, err := SetFromFile(path, alg)
	if err != nil {
		return Digest{}, err
	}
	d, _ := s.Get(alg)
	return d, nil
}

// SetFromReader hashes r once with every algorithm in algs and returns the
// results as a Set. Without algs it computes sha256.
func SetFromReader(r io.Reader, algs ...Algorithm) (Set, error) {
	if r == nil {
		return nil, errors.New("digest: nil reader")
	}
	if len(algs) == 0 {
		algs = []Algorithm{SHA256}
	}
	hashes := make([]hash.Hash, len(algs))
	writers := make([]io.Writer, len(algs))
	for i, a := range algs {
		hashes[i] = a.New()
		if hashes[i] == nil {
			return nil, fmt.Errorf("%w %q", ErrUnsupportedAlgorithm, truncate(string(a)))
		}
		writers[i] = hashes[i]
	}
	w := writers[0]
	if len(writers) > 1 {
		w = io.MultiWriter(writers...)
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	// Hide any WriterTo of r: io.CopyBuffer would otherwise ignore the
	// buffer and copy in 32 KiB steps.
	if _, err := io.CopyBuffer(w, readerOnly{r}, *bp); err != nil {
		return nil, fmt.Errorf("digest: reading input: %w", err)
	}
	s := make(Set, len(algs))
	for i, a := range algs {
		s[string(a)] = hex.EncodeToString(hashes[i].Sum(nil))
	}
	return s, nil
}

// SetFromFile hashes the named file once with every algorithm in algs.
func SetFromFile(path string, algs ...Algorithm) (Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	defer f.Close()
	return SetFromReader(f, algs...)
}

// readerOnly hides every method of r but Read.
type readerOnly struct{ r io.Reader }

// Read reads from r.
func (r readerOnly) Read(p []byte) (int, error) { return r.r.Read(p) }
