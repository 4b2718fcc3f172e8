package verify_test

import (
	"context"
	"errors"
	"testing"

	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

func TestSigstoreHappyPaths(t *testing.T) {
	s := sigstoretest.Shared(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		o    sigstoretest.SignOpts
		opts []any
	}{
		{"message v0.3", sigstoretest.SignOpts{}, nil},
		{"message v0.2", sigstoretest.SignOpts{Version: "v0.2"}, nil},
		{"message v0.1", sigstoretest.SignOpts{Version: "v0.1", NoProof: true}, []any{verify.WithMinBundleVersion("v0.1")}},
		{"dsse v0.3", sigstoretest.SignOpts{DSSE: true}, nil},
		{"tsa only", sigstoretest.SignOpts{TSA: true, NoPromise: true}, nil},
		{"two logs", sigstoretest.SignOpts{Logs: []int{0, 1}}, []any{sigstore.WithTransparencyLog(2)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := s.Sign(t, tc.o)
			res, err := s.Verifier(t, tc.opts...).Verify(ctx, b.Bundle(t), artifactOf(b.Artifact), sigstoretest.Identity(t))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.Identity() == nil || res.Identity().SAN != sigstoretest.SAN || res.Identity().Issuer != sigstoretest.Issuer {
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
