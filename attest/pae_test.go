package attest

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// errWriter fails after n writes.
type errWriter struct{ n int }

func (w *errWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, errors.New("write failed")
	}
	w.n--
	return len(p), nil
}

func TestWritePAE(t *testing.T) {
	types := []string{"", "t", PayloadType, "http://example.com/HelloWorld", "類型", strings.Repeat("x", 1024)}
	payloads := [][]byte{nil, {}, []byte("hello world"), []byte("1 b"), bytes.Repeat([]byte{0xff}, 1<<16)}
	for _, typ := range types {
		for _, p := range payloads {
			var buf bytes.Buffer
			if err := WritePAE(&buf, typ, p); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), paeRef(typ, p)) || !bytes.Equal(buf.Bytes(), PAE(typ, p)) {
				t.Fatalf("WritePAE(%.20q, %d bytes) = %.60q, want %.60q", typ, len(p), buf.Bytes(), paeRef(typ, p))
			}
		}
	}
	// A failing writer's error comes back, at every piece.
	for n := 0; n < 4; n++ {
		if err := WritePAE(&errWriter{n: n}, "t", []byte("p")); err == nil {
			t.Fatalf("WritePAE with a writer failing after %d writes: no error", n)
		}
	}
}
