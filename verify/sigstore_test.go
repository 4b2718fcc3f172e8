package verify_test

import (
	"context"
	"errors"
	"testing"

	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

func TestSigstoreHappyPaths(t *testing.T) {
	s := theSigstore(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		o    signOpts
		opts []any
	}{
		{"message v0.3", signOpts{}, nil},
		{"message v0.2", signOpts{version: "v0.2"}, nil},
		{"message v0.1", signOpts{version: "v0.1", noProof: true}, []any{verify.WithMinBundleVersion("v0.1")}},
		{"dsse v0.3", signOpts{dsse: true}, nil},
		{"tsa only", signOpts{tsa: true, noPromise: true}, nil},
		{"two logs", signOpts{logs: []int{0, 1}}, []any{sigstore.WithTransparencyLog(2)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := s.sign(t, tc.o)
			res, err := s.verifier(t, tc.opts...).Verify(ctx, b.bundle(t), artifactOf(b.artifact), testIdentity(t))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.Identity() == nil || res.Identity().SAN != testSAN || res.Identity().Issuer != testIssuer {
				t.Fatalf("identity %+v", res.Identity())
			}
			if len(res.Times) == 0 {
				t.Fatal("no verified time")
			}
			t.Logf("checks %v times %v entries %d", res.Checks, res.Times, len(res.LogEntries))
		})
	}
	_ = errors.Is
}
