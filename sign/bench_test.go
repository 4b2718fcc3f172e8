package sign_test

import (
	"bytes"
	"testing"

	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
)

func BenchmarkSignEnvelope(b *testing.B) {
	for _, tc := range []struct {
		name string
		s    *sign.KeySigner
	}{
		{"P-256", signtest.Key(b, "bench")},
		{"Ed25519", signtest.Ed25519Key(b, "bench")},
		{"RSA-2048", signtest.RSAKey(b, signtest.RSA2048)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			payload := bytes.Repeat([]byte("x"), 4096)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sign.Envelope(ctx, "application/vnd.in-toto+json", payload, tc.s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBlobBundle(b *testing.B) {
	s := signtest.Key(b, "bench")
	blob := bytes.Repeat([]byte("x"), 1<<20)
	b.SetBytes(int64(len(blob)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sign.BlobBundle(ctx, s, bytes.NewReader(blob)); err != nil {
			b.Fatal(err)
		}
	}
}
