package signtest_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/verify"
)

// fatalTB records a Fatal instead of failing the real test.
type fatalTB struct {
	testing.TB
	mu     sync.Mutex
	failed bool
	msg    string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatal(args ...any) {
	f.mu.Lock()
	f.failed, f.msg = true, fmt.Sprint(args...)
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fatalTB) Fatalf(format string, args ...any) { f.Fatal(fmt.Sprintf(format, args...)) }

// fatals runs fn with a recording TB on its own goroutine and reports
// whether it called Fatal.
func fatals(t *testing.T, fn func(tb testing.TB)) (bool, string) {
	tb := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(tb)
	}()
	<-done
	return tb.failed, tb.msg
}

func TestKeysAreDeterministicAndDistinct(t *testing.T) {
	ids := map[string]string{}
	add := func(what string, s sign.Signer) {
		t.Helper()
		id, err := sign.KeyID(s.Public())
		if err != nil {
			t.Fatal(err)
		}
		if prev, ok := ids[id]; ok {
			t.Fatalf("%s and %s have the same key", what, prev)
		}
		ids[id] = what
	}
	for _, name := range []string{"alice", "bob", "carol", "", "alice "} {
		a, b := signtest.Key(t, name), signtest.Key(t, name)
		if a.ID() != b.ID() {
			t.Errorf("Key(%q) is not deterministic", name)
		}
		add("p256 "+name, a)
		add("p384 "+name, signtest.ECDSAKey(t, elliptic.P384(), name))
		add("p521 "+name, signtest.ECDSAKey(t, elliptic.P521(), name))
		e1, e2 := signtest.Ed25519Key(t, name), signtest.Ed25519Key(t, name)
		if e1.ID() != e2.ID() {
			t.Errorf("Ed25519Key(%q) is not deterministic", name)
		}
		add("ed25519 "+name, e1)
	}
	for _, name := range []string{signtest.RSA2048, signtest.RSA2048B, signtest.RSA3072, signtest.RSA4096} {
		add(name, signtest.RSAKey(t, name))
	}
}

// TestGolden pins the derivation: changing it would silently change every
// test key (and any golden file made with one).
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		s    *sign.KeySigner
		want string
	}{
		{signtest.Key(t, "alice"), goldenAliceP256},
		{signtest.Ed25519Key(t, "alice"), goldenAliceEd25519},
	} {
		if got := tc.s.ID(); got != tc.want {
			t.Errorf("%s key id %s, want %s", tc.s.Scheme(), got, tc.want)
		}
	}
}

const (
	goldenAliceP256    = "9fba476c52d221ee3b682dfe9023e15920a0ff615475dd67d4ac9e4673e4cb11"
	goldenAliceEd25519 = "1d51cbdc1e44eae97b3fcde73b130a952ee86447bf1c2116b69f031213eb8cd1"
)

func TestECDSAPrivateKeyCurves(t *testing.T) {
	for _, c := range []elliptic.Curve{elliptic.P224(), elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		k := signtest.ECDSAPrivateKey(t, c, "x")
		if k.Curve != c || k.D.Sign() <= 0 || k.D.Cmp(c.Params().N) >= 0 {
			t.Errorf("%s: bad key", c.Params().Name)
		}
		h := sha256.Sum256([]byte("m"))
		sig, err := ecdsa.SignASN1(rand.Reader, k, h[:])
		if err != nil || !ecdsa.VerifyASN1(&k.PublicKey, h[:], sig) {
			t.Errorf("%s: derived key does not sign: %v", c.Params().Name, err)
		}
	}
}

func TestSignersVerify(t *testing.T) {
	ctx := context.Background()
	signers := []*sign.KeySigner{
		signtest.Key(t, "a"),
		signtest.ECDSAKey(t, elliptic.P384(), "a"),
		signtest.ECDSAKey(t, elliptic.P521(), "a"),
		signtest.Ed25519Key(t, "a"),
		signtest.RSAKey(t, signtest.RSA2048),
		signtest.RSAKey(t, signtest.RSA2048, sign.WithRSAPSS()),
		signtest.RSAKey(t, signtest.RSA3072),
	}
	for _, s := range signers {
		t.Run(s.Scheme(), func(t *testing.T) {
			env, err := sign.Envelope(ctx, "text/plain", []byte("hi"), s)
			if err != nil {
				t.Fatal(err)
			}
			v := signtest.Verifier(t, []sign.Signer{s}, verify.WithPayloadTypes("text/plain"))
			res, err := v.VerifyEnvelope(ctx, env, verify.WithoutArtifactUnsafe())
			if err != nil {
				t.Fatal(err)
			}
			if got := signtest.PublicKey(t, s).Scheme(); got != s.Scheme() {
				t.Errorf("PublicKey scheme %s, signer %s", got, s.Scheme())
			}
			if res.Signers[0].KeyID != s.ID() {
				t.Errorf("signer %s, want %s", res.Signers[0].KeyID, s.ID())
			}
		})
	}
}

func TestFatalOnBadInput(t *testing.T) {
	for name, fn := range map[string]func(tb testing.TB){
		"unknown RSA key": func(tb testing.TB) { signtest.RSAKey(tb, "rsa-9999") },
		"RSA-1024 signer": func(tb testing.TB) { signtest.RSAKey(tb, signtest.RSA1024) },
		"P-224 signer":    func(tb testing.TB) { signtest.ECDSAKey(tb, elliptic.P224(), "x") },
		"nil signer":      func(tb testing.TB) { signtest.PublicKey(tb, nil) },
		"empty verifier":  func(tb testing.TB) { signtest.Verifier(tb, nil) },
		"PSS on ECDSA":    func(tb testing.TB) { signtest.Key(tb, "x", sign.WithRSAPSS()) },
		"threshold too big": func(tb testing.TB) {
			signtest.Verifier(tb, []sign.Signer{signtest.Key(tb, "x")}, verify.WithThreshold(2))
		},
	} {
		if failed, _ := fatals(t, fn); !failed {
			t.Errorf("%s: no t.Fatal", name)
		}
	}
	if failed, msg := fatals(t, func(tb testing.TB) { signtest.Key(tb, "fine") }); failed {
		t.Errorf("Key failed: %s", msg)
	}
}

func TestRSA1024IsBelowTheAllowList(t *testing.T) {
	k := signtest.RSAPrivateKey(t, signtest.RSA1024)
	if k.N.BitLen() != 1024 {
		t.Fatalf("RSA1024 has %d bits", k.N.BitLen())
	}
	if _, err := sign.LoadPrivateKey(signtest.RSAKeyPEM(t, signtest.RSA1024), nil); err == nil {
		t.Fatal("LoadPrivateKey accepted RSA-1024")
	}
	var _ *ecdsa.PrivateKey = signtest.ECDSAPrivateKey(t, elliptic.P256(), "x")
}
