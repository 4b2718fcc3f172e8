package sigstore_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// TestTrustedRoot: a trusted root marshals stably, is parsed strictly,
// and loads from a file.
func TestTrustedRoot(t *testing.T) {
	s := sigstoretest.Shared(t)
	data, err := s.Trusted.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	again, err := sigstore.ParseTrustedRoot(data)
	if err != nil {
		t.Fatal(err)
	}
	data2, _ := again.MarshalJSON()
	if !bytes.Equal(data, data2) {
		t.Fatal("MarshalJSON is not stable")
	}
	if again.SigstoreGo() == nil || len(again.SigstoreGo().RekorLogs()) != 2 {
		t.Fatal("sigstore-go view")
	}
	// Strict parsing: duplicate keys, unknown fields, wrong media type,
	// oversize.
	for name, bad := range map[string][]byte{
		"duplicate key": append([]byte(`{"mediaType":"x",`), data[1:]...),
		"unknown field": append([]byte(`{"extra":1,`), data[1:]...),
		"media type":    bytes.Replace(data, []byte(sigstore.TrustedRootMediaType), []byte("application/json"), 1),
		"oversize":      append(data, bytes.Repeat([]byte(" "), sigstore.MaxTrustedRootBytes)...),
		"not json":      []byte("{"),
	} {
		if _, err := sigstore.ParseTrustedRoot(bad); !errors.Is(err, verify.ErrTrustedRoot) {
			t.Errorf("%s: %v", name, err)
		}
	}
	var nilRoot *sigstore.TrustedRoot
	if _, err := nilRoot.MarshalJSON(); err == nil {
		t.Error("nil root marshalled")
	}
	if _, err := sigstore.LoadTrustedRoot("does-not-exist.json"); !errors.Is(err, verify.ErrTrustedRoot) {
		t.Error(err)
	}
	tr, err := sigstore.LoadTrustedRoot(sigstoretest.ConformanceDir + "/production_trusted_root.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.SigstoreGo().FulcioCertificateAuthorities()) != 2 {
		t.Fatal("production root")
	}
}

// FuzzParseTrustedRoot: a trusted root that parses re-encodes to JSON
// that parses to the same root; anything else is rejected with
// ErrTrustedRoot, never a panic.
func FuzzParseTrustedRoot(f *testing.F) {
	for _, p := range []string{
		sigstoretest.ConformanceDir + "/production_trusted_root.json",
		sigstoretest.ConformanceDir + "/bundle-verify/rekor2-happy-path/trusted_root.json",
		sigstoretest.ConformanceDir + "/bundle-verify/trust-root-tlog-missing-validity-start_fail/trusted_root.json",
		sigstoretest.ConformanceDir + "/bundle-verify/invalid-ct-key_fail/trusted_root.json",
	} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := sigstore.ParseTrustedRoot(data)
		if err != nil {
			if tr != nil || !errors.Is(err, verify.ErrTrustedRoot) {
				t.Fatalf("root %v, error %v", tr, err)
			}
			return
		}
		out, err := tr.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		again, err := sigstore.ParseTrustedRoot(out)
		if err != nil {
			t.Fatalf("re-encoded root does not parse: %v", err)
		}
		out2, _ := again.MarshalJSON()
		if !bytes.Equal(out, out2) {
			t.Fatal("re-encoding is not stable")
		}
	})
}
