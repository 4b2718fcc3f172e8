package verify_test

import (
	"context"
	"errors"
	"testing"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	"google.golang.org/protobuf/proto"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/verify"
)

// fuzzCase is a good bundle with everything needed to verify it. The
// conformance vectors are fixed bytes with fixed trusted roots, so every
// fuzz worker process sees the same good inputs.
type fuzzCase struct {
	name  string
	data  []byte
	v     *sigstoretest.Verifier
	id    verify.IdentityPolicy
	art   verify.ArtifactPolicy
	good  *protobundle.Bundle
	times []verify.VerifiedTime
}

func fuzzCases(f *testing.F) []fuzzCase {
	f.Helper()
	var out []fuzzCase
	for _, name := range []string{"happy-path-v0.3", "happy-path-intoto-in-dsse-v3", "rekor2-happy-path", "managed-key-happy-path", "happy-path-v0.1"} {
		c := sigstoretest.LoadConformance(f, name)
		fc := fuzzCase{name: name, data: c.Bundle, v: c.Verifier(f), id: c.Identity(f), art: sigstoretest.ArtifactDigest(f, c.Artifact)}
		res, err := fc.v.VerifyJSON(context.Background(), fc.data, fc.art, fc.id)
		if err != nil {
			f.Fatalf("%s: %v", name, err)
		}
		b, err := bundle.Parse(fc.data)
		if err != nil {
			f.Fatal(err)
		}
		fc.good, fc.times = withoutTimestamps(sgproto.MustProto(b)), res.Times
		out = append(out, fc)
	}
	return out
}

// withoutTimestamps drops the RFC 3161 tokens, whose unsigned CMS fields
// may change without changing what verifies (see
// TestSigstoreBundleMutations); verified times are compared instead.
func withoutTimestamps(pb *protobundle.Bundle) *protobundle.Bundle {
	pb = proto.Clone(pb).(*protobundle.Bundle)
	pb.VerificationMaterial.TimestampVerificationData = nil
	return pb
}

// FuzzSigstoreVerifyJSON feeds arbitrary bytes to the whole Sigstore
// verification path against fixed trusted roots: it never panics, every
// rejection wraps ErrUnverified, and it only ever succeeds on one of the
// good bundles (up to encodings that decode to the same bundle; a good
// bundle may verify under another case's policy too).
func FuzzSigstoreVerifyJSON(f *testing.F) {
	cases := fuzzCases(f)
	for _, c := range cases {
		f.Add(c.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range cases {
			res, err := c.v.VerifyJSON(context.Background(), data, c.art, c.id)
			if err != nil {
				if res != nil || !errors.Is(err, verify.ErrUnverified) {
					t.Fatalf("%s: result %v, error %v", c.name, res, err)
				}
				continue
			}
			b, perr := bundle.Parse(data)
			if perr != nil {
				t.Fatalf("%s: verified input does not parse: %v", c.name, perr)
			}
			known := false
			for _, g := range cases {
				if proto.Equal(withoutTimestamps(sgproto.MustProto(b)), g.good) && sameTimes(res.Times, g.times) {
					known = true
				}
			}
			if !known {
				t.Fatalf("%s: a changed bundle verified", c.name)
			}
		}
	})
}
