package sigstore_test

import (
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
)

// The virtual Sigstore of the keyless tests is sigstoretest's Server on
// the real clock: an OIDC issuer, Fulcio, a TSA, Rekor v1 and v2, with
// faults queued per service.
type (
	virtualSigstore = sigstoretest.Server
	fault           = sigstoretest.Fault
)

// Service names of the virtual Sigstore, as its URL paths use them.
const (
	vFulcio = sigstoretest.Fulcio
	vTSA    = sigstoretest.TSA
	vRekor2 = sigstoretest.Rekor2
	vRekor1 = sigstoretest.Rekor1
)

const virtualIssuer = sigstoretest.ServerIssuer

func newVirtualSigstore(t testing.TB) *virtualSigstore {
	t.Helper()
	return sigstoretest.NewServer(t, time.Now)
}
