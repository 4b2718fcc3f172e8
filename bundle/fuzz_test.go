package bundle_test

import (
	"bytes"
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
)

// FuzzParseBundle: Parse never panics, every error is ErrMalformed, and a
// bundle that parses marshals to bytes that parse back to the same bundle
// (and marshal to the same bytes).
func FuzzParseBundle(f *testing.F) {
	for _, rb := range realBundles {
		f.Add(read(f, rb.path))
	}
	for _, data := range npmBundles(f) {
		f.Add(data)
	}
	ob := ourBundle(f)
	f.Add(ob.dsse)
	f.Add(ob.msg)
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := bundle.Parse(data)
		if err != nil {
			if b != nil {
				t.Fatal("bundle and error")
			}
			if !errors.Is(err, bundle.ErrMalformed) {
				t.Fatalf("error not ErrMalformed: %v", err)
			}
			return
		}
		out, err := b.MarshalJSON()
		if err != nil {
			t.Fatalf("parsed bundle does not marshal: %v", err)
		}
		b2, err := bundle.Parse(out)
		if err != nil {
			t.Fatalf("marshaled bundle does not parse: %v\n%s", err, out)
		}
		if !proto.Equal(sgproto.MustProto(b), sgproto.MustProto(b2)) {
			t.Fatal("round trip changed the bundle")
		}
		if out2, _ := b2.MarshalJSON(); !bytes.Equal(out, out2) {
			t.Fatal("marshal is not stable")
		}
		// Accessors never panic on a parsed bundle.
		_, _ = b.Envelope()
		_, _ = b.MessageSignature()
		_, _ = b.PublicKeyHint()
		_ = b.Version()
	})
}
