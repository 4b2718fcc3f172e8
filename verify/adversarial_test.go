package verify_test

// Tests named TestAdversarial_Cxx are the cases of SECURITY.md areas A
// (DSSE envelope) and B (in-toto statement) that concern verification.

import (
	"bytes"
	"context"
	"crypto/elliptic"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/verify"
)

func TestAdversarial_C01_ChangedPayloadOrType(t *testing.T) {
	k := signtest.Key(t, "k1")
	env := statementEnv(t, []byte("a"), k)
	other, _ := signtest.Statement(t, "artifact", []byte("b")).Marshal()
	for _, tc := range []struct {
		name   string
		change func(e *attest.Envelope)
	}{
		{"payload replaced", func(e *attest.Envelope) { e.Payload = other }},
		{"payload emptied", func(e *attest.Envelope) { e.Payload = nil }},
		{"payloadType one character changed", func(e *attest.Envelope) { e.PayloadType = "application/vnd.in-toto+jsoN" }},
		{"payloadType extended", func(e *attest.Envelope) { e.PayloadType += " " }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := env.Clone()
			tc.change(e)
			// Accept the changed type, so only the signature can object.
			v := newVerifier(t, keysOf(t, k), verify.WithPayloadTypes(attest.PayloadType, e.PayloadType))
			res, err := v.VerifyEnvelope(ctx, e, verify.WithoutArtifactUnsafe())
			wantErr(t, res, err, verify.ErrSignature, verify.ErrThreshold)
			var se *verify.SignatureError
			if !errors.As(err, &se) || se.Index != 0 || se.KeyIDHint != "" {
				t.Fatalf("signature error %+v", se)
			}
		})
	}
}

func TestAdversarial_C02_PAE(t *testing.T) {
	// (a) The spec vector: TestDSSESpecVectors.
	// (b) Byte lengths, not character lengths.
	typ := "application/vnd.x+json;é"
	payload := []byte("a b 12 c")
	want := "DSSEv1 25 application/vnd.x+json;é 8 a b 12 c"
	if got := string(attest.PAE(typ, payload)); got != want {
		t.Fatalf("PAE %q, want %q", got, want)
	}
	k := signtest.Key(t, "k1")
	env := signed(t, typ, payload, k)
	v := newVerifier(t, keysOf(t, k), verify.WithPayloadTypes(typ, "a", "a 1"))
	if _, err := v.VerifyEnvelope(ctx, env, verify.WithoutArtifactUnsafe()); err != nil {
		t.Fatalf("multibyte payload type: %v", err)
	}
	// (c) A signature over PAE("a 1", "b") does not verify ("a", "1 b").
	env = signed(t, "a 1", []byte("b"), k)
	if _, err := v.VerifyEnvelope(ctx, env, verify.WithoutArtifactUnsafe()); err != nil {
		t.Fatal(err)
	}
	moved := &attest.Envelope{PayloadType: "a", Payload: []byte("1 b"), Signatures: env.Signatures}
	res, err := v.VerifyEnvelope(ctx, moved, verify.WithoutArtifactUnsafe())
	wantErr(t, res, err, verify.ErrSignature)
	// The plain concatenations are equal, the PAEs are not.
	if string(attest.PAE("a 1", []byte("b"))) == string(attest.PAE("a", []byte("1 b"))) {
		t.Fatal("PAE is ambiguous")
	}
}

func TestAdversarial_C03_PayloadTypeConfusion(t *testing.T) {
	k := signtest.Key(t, "k1")
	v := newVerifier(t, keysOf(t, k)) // default: in-toto statements only
	for _, typ := range []string{
		"application/vnd.dev.cosign.simplesigning.v1+json",
		"application/vnd.tuf+json",
		"application/vnd.in-toto+JSON",
		"application/vnd.in-toto+json ",
		"application/json",
		"text/plain",
	} {
		t.Run(typ, func(t *testing.T) {
			// The payload is no statement: parsing it would fail with
			// ErrMalformed. The type check comes first.
			env := signed(t, typ, []byte(`{"critical":{"identity":{"docker-reference":"x"}}}`), k)
			res, err := v.VerifyEnvelope(ctx, env, artifactOf([]byte("x")))
			wantErr(t, res, err, verify.ErrPayloadType)
			if errors.Is(err, verify.ErrMalformed) || errors.Is(err, verify.ErrSignature) {
				t.Fatalf("payload or signature looked at: %v", err)
			}
			// Also before the signatures: a bad signature is not reported.
			env.Signatures[0].Sig[5] ^= 1
			res, err = v.VerifyEnvelope(ctx, env, artifactOf([]byte("x")))
			wantErr(t, res, err, verify.ErrPayloadType)
			if errors.Is(err, verify.ErrSignature) {
				t.Fatalf("signature checked before the type: %v", err)
			}
		})
	}
}

func TestAdversarial_C04_NoSignature(t *testing.T) {
	k := signtest.Key(t, "k1")
	v := newVerifier(t, keysOf(t, k))
	good := statementEnv(t, []byte("a"), k)
	payload := base64.StdEncoding.EncodeToString(good.Payload)
	for _, tc := range []struct {
		name string
		json string
	}{
		{"signatures: []", `{"payload":"` + payload + `","payloadType":"application/vnd.in-toto+json","signatures":[]}`},
		{"signatures: null", `{"payload":"` + payload + `","payloadType":"application/vnd.in-toto+json","signatures":null}`},
		{"signatures missing", `{"payload":"` + payload + `","payloadType":"application/vnd.in-toto+json"}`},
		{`sig: ""`, `{"payload":"` + payload + `","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":""}]}`},
		{`sig: "" twice, with keyids`, `{"payload":"` + payload + `","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"` + k.ID() + `","sig":""},{"keyid":"x","sig":""}]}`},
		{"sig missing", `{"payload":"` + payload + `","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"x"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, err := attest.ParseEnvelope([]byte(tc.json))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			res, err := v.VerifyEnvelope(ctx, env, artifactOf([]byte("a")))
			wantErr(t, res, err, verify.ErrNoSignature)
		})
	}
	// In memory: nil and empty signature lists.
	for _, sigs := range [][]attest.Signature{nil, {}, {{}}, {{KeyID: "k", Sig: []byte{}}}} {
		res, err := v.VerifyEnvelope(ctx, &attest.Envelope{PayloadType: good.PayloadType, Payload: good.Payload, Signatures: sigs}, artifactOf([]byte("a")))
		wantErr(t, res, err, verify.ErrNoSignature)
	}
	// An empty signature next to a valid one is reported but does not
	// stop the valid one from counting.
	env := good.Clone()
	env.Signatures = append([]attest.Signature{{KeyID: "empty"}}, env.Signatures...)
	res, err := v.VerifyEnvelope(ctx, env, artifactOf([]byte("a")))
	if err != nil || len(res.Signers) != 1 || res.Signers[0].Signature != 1 {
		t.Fatalf("valid signature after an empty one: %+v %v", res, err)
	}
}

// malleate returns (r, n-s) for an ECDSA P-256 signature in DER.
func malleate(t testing.TB, der []byte) []byte {
	var sig struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &sig); err != nil || len(rest) != 0 {
		t.Fatalf("not DER: %v", err)
	}
	sig.S = new(big.Int).Sub(elliptic.P256().Params().N, sig.S)
	out, err := asn1.Marshal(sig)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rawOf converts a DER P-256 signature to r||s.
func rawOf(t testing.TB, der []byte) []byte {
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 64)
	sig.R.FillBytes(out[:32])
	sig.S.FillBytes(out[32:])
	return out
}

func TestAdversarial_C05_OneKeyCountedOnce(t *testing.T) {
	k1, k2 := signtest.Key(t, "k1"), signtest.Key(t, "k2")
	v := newVerifier(t, keysOf(t, k1, k2), verify.WithThreshold(2))
	env := statementEnv(t, []byte("a"), k1)
	s1 := env.Signatures[0].Sig
	resign := func() []byte { // a second, different valid signature by k1
		e := statementEnv(t, []byte("a"), k1)
		if bytes.Equal(e.Signatures[0].Sig, s1) {
			t.Fatal("ECDSA signatures are not randomized")
		}
		return e.Signatures[0].Sig
	}
	mall := malleate(t, s1)
	if bytes.Equal(mall, s1) {
		t.Fatal("malleation changed nothing")
	}
	for _, tc := range []struct {
		name string
		sigs []attest.Signature
	}{
		{"same signature twice", []attest.Signature{{Sig: s1}, {Sig: s1}}},
		{"two signatures by k1", []attest.Signature{{Sig: s1}, {Sig: resign()}}},
		{`k1 under keyids "" and "x"`, []attest.Signature{{KeyID: "", Sig: s1}, {KeyID: "x", Sig: s1}}},
		{"k1 under k1's and k2's keyid", []attest.Signature{{KeyID: k1.ID(), Sig: s1}, {KeyID: k2.ID(), Sig: s1}}},
		{"malleated (r, n-s) copy", []attest.Signature{{Sig: s1}, {Sig: mall}}},
		{"DER and raw encodings", []attest.Signature{{Sig: s1}, {Sig: rawOf(t, s1)}}},
		{"raw and malleated raw", []attest.Signature{{Sig: rawOf(t, s1)}, {Sig: rawOf(t, mall)}}},
		{"three copies and garbage", []attest.Signature{{Sig: s1}, {Sig: []byte("garbage")}, {Sig: mall}, {Sig: s1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &attest.Envelope{PayloadType: env.PayloadType, Payload: env.Payload, Signatures: tc.sigs}
			res, err := v.VerifyEnvelope(ctx, e, artifactOf([]byte("a")))
			wantErr(t, res, err, verify.ErrThreshold)
			var te *verify.ThresholdError
			if !errors.As(err, &te) || te.Got != 1 || te.Want != 2 || len(te.Accepted) != 1 || te.Accepted[0] != k1.ID() {
				t.Fatalf("threshold error %+v", te)
			}
			dups := 0
			for _, r := range te.Rejected {
				if r.DuplicateOf != "" {
					if r.DuplicateOf != k1.ID() {
						t.Errorf("duplicate of %s", r.DuplicateOf)
					}
					dups++
				}
			}
			if dups == 0 {
				t.Error("no rejected signature names k1 as its duplicate")
			}
		})
	}
	// Two distinct keys meet the threshold, whatever their keyids say.
	e := statementEnv(t, []byte("a"), k1, k2)
	e.Signatures[0].KeyID, e.Signatures[1].KeyID = "same", "same"
	res, err := v.VerifyEnvelope(ctx, e, artifactOf([]byte("a")))
	if err != nil || len(res.Signers) != 2 {
		t.Fatalf("k1 + k2: %v", err)
	}
}

func TestAdversarial_C06_KeyIDSpoofing(t *testing.T) {
	k1, k2, k3 := signtest.Key(t, "k1"), signtest.Key(t, "k2"), signtest.Key(t, "untrusted")
	v := newVerifier(t, keysOf(t, k1, k2))
	art := []byte("a")
	byK3 := statementEnv(t, art, k3)
	byK1 := statementEnv(t, art, k1)
	byK2 := statementEnv(t, art, k2)
	withHint := func(e *attest.Envelope, hint string) *attest.Envelope {
		c := e.Clone()
		c.Signatures[0].KeyID = hint
		return c
	}
	t.Run("a: keyid names trusted k1, signed by untrusted", func(t *testing.T) {
		res, err := v.VerifyEnvelope(ctx, withHint(byK3, k1.ID()), artifactOf(art))
		wantErr(t, res, err, verify.ErrSignature)
	})
	t.Run("unknown keyid, untrusted key", func(t *testing.T) {
		res, err := v.VerifyEnvelope(ctx, withHint(byK3, "who-knows"), artifactOf(art))
		wantErr(t, res, err, verify.ErrSignature)
	})
	t.Run("b: no keyid, signed by k1", func(t *testing.T) {
		res, err := v.VerifyEnvelope(ctx, withHint(byK1, ""), artifactOf(art))
		if err != nil || res.Signers[0].KeyID != k1.ID() {
			t.Fatalf("%+v %v", res, err)
		}
	})
	t.Run("c: keyid names k1, signed by trusted k2", func(t *testing.T) {
		res, err := v.VerifyEnvelope(ctx, withHint(byK2, k1.ID()), artifactOf(art))
		if err != nil {
			t.Fatal(err)
		}
		if res.Signers[0].KeyID != k2.ID() || res.Signers[0].KeyIDHint != k1.ID() {
			t.Fatalf("result names %s (hint %s), want k2 %s", res.Signers[0].KeyID, res.Signers[0].KeyIDHint, k2.ID())
		}
		if ids := res.SignerIDs(); len(ids) != 1 || ids[0] != k2.ID() {
			t.Fatalf("SignerIDs %v", ids)
		}
	})
	t.Run("duplicate keyids over two keys", func(t *testing.T) {
		e := statementEnv(t, art, k1, k2)
		e.Signatures[0].KeyID, e.Signatures[1].KeyID = k1.ID(), k1.ID()
		v2 := newVerifier(t, keysOf(t, k1, k2), verify.WithThreshold(2))
		res, err := v2.VerifyEnvelope(ctx, e, artifactOf(art))
		if err != nil || res.Signers[1].KeyID != k2.ID() {
			t.Fatalf("%+v %v", res, err)
		}
	})
}

func TestAdversarial_C07_Base64(t *testing.T) {
	k := signtest.Key(t, "k1")
	v := newVerifier(t, keysOf(t, k))
	// A signature whose standard encoding uses '+' or '/' (so the URL-safe
	// one differs), and a payload whose padding bits can be abused.
	var env *attest.Envelope
	for i := 0; ; i++ {
		var err error
		env, err = sign.Statement(ctx, signtest.Statement(t, fmt.Sprint("artifact", i), []byte("a")), k)
		if err != nil {
			t.Fatal(err)
		}
		if len(env.Payload)%3 != 0 && strings.ContainsAny(base64.StdEncoding.EncodeToString(env.Signatures[0].Sig), "+/") {
			break
		}
		if i > 100 {
			t.Fatal("no suitable envelope")
		}
	}
	std := base64.StdEncoding
	p, s := env.Payload, env.Signatures[0].Sig
	doc := func(payload, sig string) []byte {
		return []byte(`{"payload":"` + payload + `","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"` + sig + `"}]}`)
	}
	// Non-zero padding bits: the last significant character of a padded
	// value changed so that only the discarded bits differ.
	sigStd := std.EncodeToString(s)
	trailing := func(enc string) string {
		i := strings.IndexByte(enc, '=') - 1
		if i < 0 {
			return ""
		}
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		pos := strings.IndexByte(alphabet, enc[i])
		return enc[:i] + string(alphabet[pos|1]) + enc[i+1:]
	}
	payloadStd := std.EncodeToString(p)
	for _, tc := range []struct {
		name    string
		payload string
		sig     string
		ok      bool
	}{
		{"standard, padded", payloadStd, sigStd, true},
		{"URL-safe, padded", base64.URLEncoding.EncodeToString(p), base64.URLEncoding.EncodeToString(s), true},
		{"standard, unpadded", base64.RawStdEncoding.EncodeToString(p), base64.RawStdEncoding.EncodeToString(s), true},
		{"URL-safe, unpadded", base64.RawURLEncoding.EncodeToString(p), base64.RawURLEncoding.EncodeToString(s), true},
		{"payload and sig in different alphabets", payloadStd, base64.URLEncoding.EncodeToString(s), true},
		{"mixed alphabets in one value", payloadStd, strings.Replace(strings.Replace(sigStd, "+", "-", 1), "/", "_", 1) + "+/", false},
		{`embedded \n`, payloadStd[:8] + `\n` + payloadStd[8:], sigStd, false},
		{`embedded \r\n in sig`, payloadStd, sigStd[:8] + `\r\n` + sigStd[8:], false},
		{"space", payloadStd[:8] + " " + payloadStd[8:], sigStd, false},
		{"non-zero padding bits", trailing(payloadStd), sigStd, false},
		{"character outside the alphabet", payloadStd, "*" + sigStd[1:], false},
		{"too much padding", payloadStd + "=", sigStd, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.payload == "" {
				t.Fatal("bad test input")
			}
			e, err := attest.ParseEnvelope(doc(tc.payload, tc.sig))
			if !tc.ok {
				if !errors.Is(err, attest.ErrMalformed) {
					t.Fatalf("parsed: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Only the decoded bytes count.
			if !bytes.Equal(e.Payload, p) || !bytes.Equal(e.Signatures[0].Sig, s) {
				t.Fatal("decoded bytes differ")
			}
			res, err := v.VerifyEnvelope(ctx, e, artifactOf([]byte("a")))
			if err != nil || !bytes.Equal(res.Payload, p) {
				t.Fatalf("%v", err)
			}
		})
	}
}

func TestAdversarial_C08_BadVerifierOptions(t *testing.T) {
	k1, k2 := signtest.PublicKey(t, signtest.Key(t, "k1")), signtest.PublicKey(t, signtest.Key(t, "k2"))
	k1again := signtest.PublicKey(t, signtest.Key(t, "k1"))
	rsa := signtest.RSAKey(t, signtest.RSA2048)
	rsaPKCS1 := signtest.PublicKey(t, rsa)
	rsaPSS := signtest.PublicKey(t, rsa, verify.RSAPSS())
	many := make([]*verify.PublicKey, verify.MaxKeys+1)
	for i := range many {
		many[i] = signtest.PublicKey(t, signtest.Key(t, fmt.Sprint("k", i)))
	}
	for _, tc := range []struct {
		name string
		keys []*verify.PublicKey
		opts []verify.Option
	}{
		{"threshold 0", []*verify.PublicKey{k1}, []verify.Option{verify.WithThreshold(0)}},
		{"threshold -1", []*verify.PublicKey{k1, k2}, []verify.Option{verify.WithThreshold(-1)}},
		{"threshold above the key count", []*verify.PublicKey{k1, k2}, []verify.Option{verify.WithThreshold(3)}},
		{"huge threshold", []*verify.PublicKey{k1}, []verify.Option{verify.WithThreshold(1 << 62)}},
		{"no keys", nil, nil},
		{"empty key list", []*verify.PublicKey{}, nil},
		{"same key twice", []*verify.PublicKey{k1, k1}, nil},
		{"same key material twice", []*verify.PublicKey{k1, k2, k1again}, []verify.Option{verify.WithThreshold(2)}},
		{"one RSA key with two paddings", []*verify.PublicKey{rsaPKCS1, rsaPSS}, nil},
		{"nil key", []*verify.PublicKey{k1, nil}, nil},
		{"zero PublicKey", []*verify.PublicKey{{}}, nil},
		{"too many keys", many, nil},
		{"no payload types", []*verify.PublicKey{k1}, []verify.Option{verify.WithPayloadTypes()}},
		{"empty payload type", []*verify.PublicKey{k1}, []verify.Option{verify.WithPayloadTypes("a", "")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := verify.NewVerifier(tc.keys, tc.opts...)
			if !errors.Is(err, verify.ErrInvalidOptions) || v != nil {
				t.Fatalf("got %v", err)
			}
		})
	}
	// The bounds themselves are fine.
	if _, err := verify.NewVerifier(many[:verify.MaxKeys], verify.WithThreshold(verify.MaxKeys)); err != nil {
		t.Fatal(err)
	}
}

// TestAdversarial_C09_SharedVerifier: one verifier used by 100 goroutines
// on different envelopes gives the results of fresh verifiers. Run with
// -race.
func TestAdversarial_C09_SharedVerifier(t *testing.T) {
	ks := []*sign.KeySigner{signtest.Key(t, "k1"), signtest.Ed25519Key(t, "k2"), signtest.RSAKey(t, signtest.RSA2048), signtest.Key(t, "k4")}
	trusted := keysOf(t, ks[0], ks[1], ks[2])
	opts := []verify.Option{verify.WithThreshold(2)}
	type job struct {
		env *attest.Envelope
		art []byte
	}
	jobs := make([]job, 100)
	for i := range jobs {
		art := []byte(fmt.Sprint("artifact ", i))
		var signers []sign.Signer
		for j, k := range ks {
			if i>>j&1 == 1 {
				signers = append(signers, k)
			}
		}
		if len(signers) == 0 {
			signers = []sign.Signer{ks[3]}
		}
		env := statementEnv(t, art, signers...)
		if i%7 == 0 {
			art = []byte("wrong") // a subject mismatch now and then
		}
		jobs[i] = job{env, art}
	}
	type outcome struct {
		res *verify.Result
		err string
	}
	run := func(v *verify.Verifier, j job) outcome {
		res, err := v.VerifyEnvelope(ctx, j.env, artifactOf(j.art))
		if err != nil {
			return outcome{nil, err.Error()}
		}
		return outcome{res, ""}
	}
	want := make([]outcome, len(jobs))
	for i, j := range jobs {
		want[i] = run(newVerifier(t, trusted, opts...), j)
	}
	shared := newVerifier(t, trusted, opts...)
	got := make([]outcome, len(jobs))
	var wg sync.WaitGroup
	for i := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = run(shared, jobs[i])
		}()
	}
	wg.Wait()
	oks := 0
	for i := range jobs {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("job %d: shared verifier gave %+v, fresh %+v", i, got[i], want[i])
		}
		if want[i].err == "" {
			oks++
		}
	}
	if oks == 0 || oks == len(jobs) {
		t.Fatalf("%d of %d jobs verified; the mix is wrong", oks, len(jobs))
	}
}

// TestAdversarial_C10_NoTOCTOU: after verification, changing the caller's
// envelope, buffers, artifact or bundle changes nothing in the result.
func TestAdversarial_C10_NoTOCTOU(t *testing.T) {
	k := signtest.Key(t, "k1")
	art := []byte("artifact")
	v := newVerifier(t, keysOf(t, k))
	env := statementEnv(t, art, k)
	res, err := v.VerifyEnvelope(ctx, env, artifactOf(art))
	if err != nil {
		t.Fatal(err)
	}
	snapshot := func(r *verify.Result) string {
		return fmt.Sprintf("%q %q %#v %#v %v %v %#v", r.PayloadType, r.Payload, r.Statement, r.Subject, r.ArtifactDigests, r.Signers, r.Checks)
	}
	before := snapshot(res)
	// Attack every buffer the caller holds.
	for i := range env.Payload {
		env.Payload[i] = 'X'
	}
	env.PayloadType = "evil"
	env.Signatures[0].Sig[0] ^= 0xff
	env.Signatures[0].KeyID = "evil"
	env.Signatures = append(env.Signatures, attest.Signature{Sig: []byte{1}})
	art[0] = 'X'
	if after := snapshot(res); after != before {
		t.Fatalf("result changed:\n%s\n%s", before, after)
	}
	// A caller changing one result does not change the next.
	env = statementEnv(t, []byte("b"), k)
	r1, err := v.VerifyEnvelope(ctx, env, artifactOf([]byte("b")))
	if err != nil {
		t.Fatal(err)
	}
	r1.Payload[0] = 'X'
	r1.Statement.Subject[0].Digest["sha256"] = "x"
	r1.Subject.Name = "x"
	r1.ArtifactDigests["sha256"] = "x"
	r2, err := v.VerifyEnvelope(ctx, env, artifactOf([]byte("b")))
	if err != nil || r2.Payload[0] == 'X' || r2.Subject.Name != "artifact" || r2.ArtifactDigests["sha256"] == "x" {
		t.Fatalf("results share state: %v", err)
	}
	if !bytes.Equal(env.Payload, r2.Payload) {
		t.Fatal("verification changed the caller's envelope")
	}

	// Bundles: changing what the bundle handed out after the fact.
	b, err := sign.StatementBundle(ctx, signtest.Statement(t, "artifact", []byte("c")), k)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := v.VerifyBundle(ctx, b, artifactOf([]byte("c")))
	if err != nil {
		t.Fatal(err)
	}
	before = snapshot(rb)
	env, _ = b.Envelope()
	env.Payload[0] = 'X'
	if snapshot(rb) != before {
		t.Fatal("bundle result shares the bundle's buffers")
	}

	// Message bundles with a digest policy: the result's digests are not
	// the policy's.
	mb, err := sign.BlobBundle(ctx, k, strings.NewReader("d"))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := digest.FromBytes([]byte("d"), digest.SHA256)
	policy := verify.WithArtifactDigest(d)
	rm, err := v.VerifyBundle(ctx, mb, policy)
	if err != nil {
		t.Fatal(err)
	}
	rm.ArtifactDigests["sha256"] = strings.Repeat("0", 64)
	if _, err := v.VerifyBundle(ctx, mb, policy); err != nil {
		t.Fatalf("changing a result changed the policy: %v", err)
	}
}

func TestAdversarial_C11_NilAndEmpty(t *testing.T) {
	k := signtest.Key(t, "k1")
	env := statementEnv(t, []byte("a"), k)
	b, err := sign.StatementBundle(ctx, signtest.Statement(t, "a", []byte("a")), k)
	if err != nil {
		t.Fatal(err)
	}
	var nilV *verify.Verifier
	zeroV := &verify.Verifier{}
	good := newVerifier(t, keysOf(t, k))
	policy := func() verify.ArtifactPolicy { return artifactOf([]byte("a")) }
	for _, tc := range []struct {
		name string
		v    *verify.Verifier
		err  error
	}{
		{"nil verifier", nilV, verify.ErrNotInitialized},
		{"zero verifier", zeroV, verify.ErrNotInitialized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.v.VerifyEnvelope(ctx, env, policy())
			wantErr(t, res, err, tc.err)
			res, err = tc.v.VerifyBundle(ctx, b, policy())
			wantErr(t, res, err, tc.err)
			res, err = tc.v.VerifyBundles(ctx, []*bundle.Bundle{b}, policy())
			wantErr(t, res, err, tc.err)
			res, err = tc.v.VerifyEnvelope(ctx, nil, verify.ArtifactPolicy{})
			wantErr(t, res, err, tc.err)
		})
	}
	// An empty payloadType signed by a trusted key.
	sig, err := k.Sign(ctx, attest.PAE("", env.Payload))
	if err != nil {
		t.Fatal(err)
	}
	var nilCtx context.Context
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	missing := filepath.Join(t.TempDir(), "missing")
	for _, tc := range []struct {
		name string
		call func() (*verify.Result, error)
		err  error
	}{
		{"nil envelope", func() (*verify.Result, error) { return good.VerifyEnvelope(ctx, nil, policy()) }, verify.ErrMalformed},
		{`payloadType ""`, func() (*verify.Result, error) {
			return good.VerifyEnvelope(ctx, &attest.Envelope{Payload: env.Payload, Signatures: []attest.Signature{{Sig: sig}}}, policy())
		}, verify.ErrPayloadType},
		{"nil context", func() (*verify.Result, error) { return good.VerifyEnvelope(nilCtx, env, policy()) }, verify.ErrUnverified},
		{"canceled context", func() (*verify.Result, error) { return good.VerifyEnvelope(canceled, env, policy()) }, context.Canceled},
		{"zero artifact policy", func() (*verify.Result, error) { return good.VerifyEnvelope(ctx, env, verify.ArtifactPolicy{}) }, verify.ErrArtifactPolicy},
		{"zero artifact policy, bundle", func() (*verify.Result, error) { return good.VerifyBundle(ctx, b, verify.ArtifactPolicy{}) }, verify.ErrArtifactPolicy},
		{"nil artifact reader", func() (*verify.Result, error) { return good.VerifyEnvelope(ctx, env, verify.WithArtifact(nil)) }, verify.ErrArtifactPolicy},
		{"missing artifact file", func() (*verify.Result, error) { return good.VerifyEnvelope(ctx, env, verify.WithArtifactFile(missing)) }, verify.ErrArtifactPolicy},
		{"no artifact digests", func() (*verify.Result, error) { return good.VerifyEnvelope(ctx, env, verify.WithArtifactDigest()) }, verify.ErrSubjectMismatch},
		{"nil bundle", func() (*verify.Result, error) { return good.VerifyBundle(ctx, nil, policy()) }, verify.ErrMalformed},
		{"no bundles", func() (*verify.Result, error) { return good.VerifyBundles(ctx, nil, policy()) }, verify.ErrNoSignature},
		{"nil among bundles", func() (*verify.Result, error) { return good.VerifyBundles(ctx, []*bundle.Bundle{b, nil}, policy()) }, verify.ErrMalformed},
		{"zero bundle", func() (*verify.Result, error) { return good.VerifyBundle(ctx, &bundle.Bundle{}, policy()) }, verify.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.call()
			wantErr(t, res, err, tc.err)
		})
	}
	if s := verify.WithoutArtifactUnsafe().String(); !strings.Contains(s, "unsafe") {
		t.Errorf("policy string %q", s)
	}
	if s := (verify.ArtifactPolicy{}).String(); s != "unset" {
		t.Errorf("zero policy string %q", s)
	}
}

// heapDelta returns the bytes allocated while f ran.
func heapDelta(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestAdversarial_C12_EndlessData: a 100 MiB payload and 100 000
// signatures are rejected on their size before any signature is checked.
//
// The proof is twofold and cannot pass by accident: the envelopes carry
// valid signatures by a trusted key under a type that needs no statement,
// so a verifier without the limits would accept them; and the rejection
// allocates almost nothing, where checking a signature over a 100 MiB
// payload must build its 100 MiB PAE (and copying 100 000 signatures would
// allocate megabytes).
func TestAdversarial_C12_EndlessData(t *testing.T) {
	k := signtest.Key(t, "k1")
	v := newVerifier(t, keysOf(t, k), verify.WithPayloadTypes(testType))
	big := signed(t, testType, bytes.Repeat([]byte("x"), 100<<20), k)
	var (
		res *verify.Result
		err error
	)
	alloc := heapDelta(func() { res, err = v.VerifyEnvelope(ctx, big, verify.WithoutArtifactUnsafe()) })
	wantErr(t, res, err, verify.ErrMalformed)
	if errors.Is(err, verify.ErrSignature) || errors.Is(err, verify.ErrThreshold) {
		t.Fatalf("signature looked at: %v", err)
	}
	if alloc > 1<<20 {
		t.Fatalf("rejecting a 100 MiB payload allocated %d bytes", alloc)
	}

	small := signed(t, testType, []byte("p"), k)
	many := &attest.Envelope{PayloadType: testType, Payload: small.Payload, Signatures: make([]attest.Signature, 100000)}
	for i := range many.Signatures {
		many.Signatures[i] = small.Signatures[0]
	}
	alloc = heapDelta(func() { res, err = v.VerifyEnvelope(ctx, many, verify.WithoutArtifactUnsafe()) })
	wantErr(t, res, err, verify.ErrMalformed)
	if errors.Is(err, verify.ErrSignature) || errors.Is(err, verify.ErrThreshold) {
		t.Fatalf("signature looked at: %v", err)
	}
	if alloc > 1<<20 {
		t.Fatalf("rejecting 100 000 signatures allocated %d bytes", alloc)
	}
	// The limits themselves pass.
	many.Signatures = many.Signatures[:limits.MaxSignatures]
	if res, err := v.VerifyEnvelope(ctx, many, verify.WithoutArtifactUnsafe()); err != nil || len(res.Signers) != 1 {
		t.Fatalf("%d copies of one signature: %v", limits.MaxSignatures, err)
	}
	atLimit := signed(t, testType, bytes.Repeat([]byte("x"), limits.MaxStatementBytes), k)
	if _, err := v.VerifyEnvelope(ctx, atLimit, verify.WithoutArtifactUnsafe()); err != nil {
		t.Fatalf("payload at the limit: %v", err)
	}
	over := signed(t, testType, bytes.Repeat([]byte("x"), limits.MaxStatementBytes+1), k)
	res, err = v.VerifyEnvelope(ctx, over, verify.WithoutArtifactUnsafe())
	wantErr(t, res, err, verify.ErrMalformed)

	// Oversized fields of one signature.
	for _, s := range []attest.Signature{
		{KeyID: strings.Repeat("k", 1025), Sig: small.Signatures[0].Sig},
		{Sig: append(bytes.Clone(small.Signatures[0].Sig), make([]byte, 64<<10)...)},
	} {
		res, err := v.VerifyEnvelope(ctx, &attest.Envelope{PayloadType: testType, Payload: small.Payload, Signatures: []attest.Signature{s}}, verify.WithoutArtifactUnsafe())
		wantErr(t, res, err, verify.ErrMalformed)
	}
	longType := strings.Repeat("t", 1025)
	lv := newVerifier(t, keysOf(t, k), verify.WithPayloadTypes(longType))
	res, err = lv.VerifyEnvelope(ctx, signed(t, longType, []byte("p"), k), verify.WithoutArtifactUnsafe())
	wantErr(t, res, err, verify.ErrMalformed)

	// Serialized: the parser refuses 100 000 signatures and 33 MiB.
	var js strings.Builder
	js.WriteString(`{"payload":"cA==","payloadType":"` + testType + `","signatures":[`)
	for i := 0; i < 100000; i++ {
		if i > 0 {
			js.WriteByte(',')
		}
		js.WriteString(`{"sig":"AA=="}`)
	}
	js.WriteString("]}")
	if _, err := attest.ParseEnvelope([]byte(js.String())); !errors.Is(err, attest.ErrMalformed) {
		t.Fatalf("100 000 signatures parsed: %v", err)
	}
	if _, err := attest.ParseEnvelope(append([]byte(`{"payload":"`), bytes.Repeat([]byte("A"), 33<<20)...)); !errors.Is(err, attest.ErrMalformed) {
		t.Fatalf("33 MiB parsed: %v", err)
	}
	// And more bundles than signatures an envelope may have.
	b, err := sign.StatementBundle(ctx, signtest.Statement(t, "a", []byte("a")), k)
	if err != nil {
		t.Fatal(err)
	}
	bs := make([]*bundle.Bundle, limits.MaxSignatures+1)
	for i := range bs {
		bs[i] = b
	}
	res, err = newVerifier(t, keysOf(t, k)).VerifyBundles(ctx, bs, artifactOf([]byte("a")))
	wantErr(t, res, err, verify.ErrMalformed)
}

func TestAdversarial_C13_WrongArtifact(t *testing.T) {
	k := signtest.Key(t, "k1")
	v := newVerifier(t, keysOf(t, k))
	art := []byte("the right artifact")
	env := statementEnv(t, art, k)
	dir := t.TempDir()
	wrongFile := filepath.Join(dir, "wrong")
	rightFile := filepath.Join(dir, "right")
	if err := os.WriteFile(wrongFile, []byte("the wrong artifact"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rightFile, art, 0o600); err != nil {
		t.Fatal(err)
	}
	right256, _ := digest.FromBytes(art, digest.SHA256)
	wrong256, _ := digest.FromBytes([]byte("x"), digest.SHA256)
	right512, _ := digest.FromBytes(art, digest.SHA512)
	for _, tc := range []struct {
		name   string
		policy verify.ArtifactPolicy
		ok     bool
	}{
		{"right bytes", artifactOf(art), true},
		{"right file", verify.WithArtifactFile(rightFile), true},
		{"right digest", verify.WithArtifactDigest(right256), true},
		{"right digest among others", verify.WithArtifactDigest(right512, right256), true},
		{"wrong bytes", artifactOf([]byte("the wrong artifact")), false},
		{"empty artifact", artifactOf(nil), false},
		{"wrong file", verify.WithArtifactFile(wrongFile), false},
		{"wrong digest", verify.WithArtifactDigest(wrong256), false},
		{"only a sha512 digest (subject has sha256)", verify.WithArtifactDigest(right512), false},
		{"prefix of the artifact", artifactOf(art[:len(art)-1]), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := v.VerifyEnvelope(ctx, env, tc.policy)
			if tc.ok {
				if err != nil || !res.Checked(verify.CheckSubject) || res.ArtifactDigests["sha256"] != right256.Hex() {
					t.Fatalf("%+v %v", res, err)
				}
				return
			}
			wantErr(t, res, err, verify.ErrSubjectMismatch)
			var se *verify.SubjectError
			if !errors.As(err, &se) || se.Subjects != 1 || se.Err == nil {
				t.Fatalf("subject error %+v", se)
			}
		})
	}
}

// signedPayload returns an in-toto envelope over a raw payload, signed by
// a trusted key, for the statement-parsing cases.
func signedPayload(t testing.TB, k sign.Signer, payload string) *attest.Envelope {
	return signed(t, attest.PayloadType, []byte(payload), k)
}

const (
	h256a = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb" // sha256("a")
	h512a = "1f40fc92da241694750979ee6cf582f2d5d7d28e18335de05abc54d0560e0f5302860c652bf08d560252aa5e74210546f369fbbbce8c12cfc7957b2652fe9a75"
)

// stmt builds a statement with the given subject JSON.
func stmt(subject string) string {
	return `{"_type":"https://in-toto.io/Statement/v1","subject":` + subject + `,"predicateType":"https://example.com/p","predicate":{}}`
}

// TestAdversarial_C14_C15_C16_Digests runs the digest-set attacks end to
// end: a trusted key signed the statement; the artifact is "a".
func TestAdversarial_C14_C15_C16_Digests(t *testing.T) {
	k := signtest.Key(t, "k1")
	v := newVerifier(t, keysOf(t, k))
	wrong := strings.Repeat("0", 64)
	for _, tc := range []struct {
		name    string
		subject string
		err     error // nil: verifies
	}{
		{"control: sha256", `[{"digest":{"sha256":"` + h256a + `"}}]`, nil},
		{"control: sha512 and sha256", `[{"digest":{"sha256":"` + h256a + `","sha512":"` + h512a + `"}}]`, nil},
		{"C14 sha256x", `[{"digest":{"sha256x":"` + h256a + `"}}]`, verify.ErrSubjectMismatch},
		{"C14 SHA256", `[{"digest":{"SHA256":"` + h256a + `"}}]`, verify.ErrSubjectMismatch},
		{"C14 md5", `[{"digest":{"md5":"0cc175b9c0f1b6a831c399e269772661"}}]`, verify.ErrSubjectMismatch},
		{"C14 sha1", `[{"digest":{"sha1":"86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"}}]`, verify.ErrSubjectMismatch},
		{"C15 sha256 wrong, sha1 right", `[{"digest":{"sha256":"` + wrong + `","sha1":"86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"}}]`, verify.ErrSubjectMismatch},
		{"C15 sha512 right, sha256 wrong", `[{"digest":{"sha256":"` + wrong + `","sha512":"` + h512a + `"}}]`, verify.ErrSubjectMismatch},
		{"C15 sha512 wrong, sha256 right", `[{"digest":{"sha256":"` + h256a + `","sha512":"` + strings.Repeat("0", 128) + `"}}]`, verify.ErrSubjectMismatch},
		{"C16 uppercase hex", `[{"digest":{"sha256":"` + strings.ToUpper(h256a) + `"}}]`, verify.ErrMalformed},
		{"C16 sha256: prefix in the value", `[{"digest":{"sha256":"sha256:` + h256a + `"}}]`, verify.ErrMalformed},
		{"C16 12-character prefix", `[{"digest":{"sha256":"` + h256a[:12] + `"}}]`, verify.ErrMalformed},
		{"C16 whitespace", `[{"digest":{"sha256":" ` + h256a + `"}}]`, verify.ErrMalformed},
		{"C16 odd length", `[{"digest":{"sha256":"` + h256a[:63] + `"}}]`, verify.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := v.VerifyEnvelope(ctx, signedPayload(t, k, stmt(tc.subject)), artifactOf([]byte("a")))
			if tc.err == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, res, err, tc.err)
		})
	}
}

// TestAdversarial_C17_PredicateIsNotVouchedFor: the verifier reports the
// signed predicateType exactly and rejects a predicate that is not an
// object; whether the type is the one wanted is the policy's decision
// (attest.PredicateAs refuses a mismatch).
func TestAdversarial_C17_PredicateIsNotVouchedFor(t *testing.T) {
	k := signtest.Key(t, "k1")
	v := newVerifier(t, keysOf(t, k))
	subj := `[{"digest":{"sha256":"` + h256a + `"}}]`
	custom := `{"_type":"https://in-toto.io/Statement/v1","subject":` + subj + `,"predicateType":"https://example.com/custom","predicate":{"buildDefinition":{}}}`
	res, err := v.VerifyEnvelope(ctx, signedPayload(t, k, custom), artifactOf([]byte("a")))
	if err != nil {
		t.Fatal(err)
	}
	if res.Statement.PredicateType != "https://example.com/custom" {
		t.Fatalf("predicateType %q", res.Statement.PredicateType)
	}
	if _, err := attest.PredicateAs[attest.ProvenanceV1](res.Statement); err == nil {
		t.Fatal("a custom predicate decoded as SLSA v1")
	}
	for _, pred := range []string{`[1]`, `"x"`, `1`, `true`} {
		p := `{"_type":"https://in-toto.io/Statement/v1","subject":` + subj + `,"predicateType":"https://slsa.dev/provenance/v1","predicate":` + pred + `}`
		res, err := v.VerifyEnvelope(ctx, signedPayload(t, k, p), artifactOf([]byte("a")))
		wantErr(t, res, err, verify.ErrMalformed)
	}
}

// statementCases are payloads that are not valid statements; each is
// signed by a trusted key and must fail with ErrMalformed (and the narrower
// attest error where there is one), never with a signature error.
func TestAdversarial_C18_to_C23_StatementParsing(t *testing.T) {
	k := signtest.Key(t, "k1")
	v := newVerifier(t, keysOf(t, k))
	subj := `[{"name":"a","digest":{"sha256":"` + h256a + `"}}]`
	body := `"subject":` + subj + `,"predicateType":"https://example.com/p","predicate":{}`
	manySubjects := make([]string, limits.MaxSubjects+1)
	for i := range manySubjects {
		manySubjects[i] = `{"digest":{"sha256":"` + h256a + `"}}`
	}
	manyDigests := []string{`"sha256":"` + h256a + `"`}
	for i := 0; i < 32; i++ {
		manyDigests = append(manyDigests, fmt.Sprintf(`"alg%d":"v"`, i))
	}
	for _, tc := range []struct {
		id, name string
		payload  string
		also     error
	}{
		{"C18", "_type missing", `{` + body + `}`, nil},
		{"C18", "_type v0.2", `{"_type":"https://in-toto.io/Statement/v0.2",` + body + `}`, nil},
		{"C18", "_type with trailing space", `{"_type":"https://in-toto.io/Statement/v1 ",` + body + `}`, nil},
		{"C18", "_type in another case", `{"_type":"https://in-toto.io/statement/v1",` + body + `}`, nil},
		{"C18", "_type not a string", `{"_type":1,` + body + `}`, nil},
		{"C19", "duplicate subject", `{"_type":"https://in-toto.io/Statement/v1","subject":` + subj + `,"subject":[{"digest":{"sha256":"` + strings.Repeat("1", 64) + `"}}],"predicateType":"https://example.com/p"}`, attest.ErrDuplicateKey},
		{"C19", "duplicate predicateType", `{"_type":"https://in-toto.io/Statement/v1",` + body + `,"predicateType":"https://example.com/q"}`, attest.ErrDuplicateKey},
		{"C19", "duplicate digest algorithm", `{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"` + h256a + `","sha256":"` + strings.Repeat("1", 64) + `"}}],"predicateType":"https://example.com/p"}`, attest.ErrDuplicateKey},
		{"C20", "PredicateType next to predicateType", `{"_type":"https://in-toto.io/Statement/v1",` + body + `,"PredicateType":"https://example.com/q"}`, attest.ErrKeyCase},
		{"C20", "only a Subject key", `{"_type":"https://in-toto.io/Statement/v1","Subject":` + subj + `,"predicateType":"https://example.com/p"}`, nil},
		{"C21", "invalid UTF-8 in a name", "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"foo\xff\",\"digest\":{\"sha256\":\"" + h256a + "\"}}],\"predicateType\":\"https://example.com/p\"}", nil},
		{"C21", "lone surrogate in a name", `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"foo\ud800","digest":{"sha256":"` + h256a + `"}}],"predicateType":"https://example.com/p"}`, nil},
		{"C21", "NUL in a name", `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"foo\u0000","digest":{"sha256":"` + h256a + `"}}],"predicateType":"https://example.com/p"}`, nil},
		{"C22", "empty subject list", `{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"https://example.com/p"}`, attest.ErrNoSubject},
		{"C22", "1025 subjects", `{"_type":"https://in-toto.io/Statement/v1","subject":[` + strings.Join(manySubjects, ",") + `],"predicateType":"https://example.com/p"}`, attest.ErrTooLarge},
		{"C22", "33 digests in a subject", `{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{` + strings.Join(manyDigests, ",") + `}}],"predicateType":"https://example.com/p"}`, nil},
		{"C23", "bare predicate", `{"buildDefinition":{},"runDetails":{}}`, nil},
		{"C23", "JSON array", `[` + `{"_type":"https://in-toto.io/Statement/v1",` + body + `}]`, nil},
		{"C23", "garbage after the object", `{"_type":"https://in-toto.io/Statement/v1",` + body + `}garbage`, nil},
		{"C23", "two JSON values", `{"_type":"https://in-toto.io/Statement/v1",` + body + `}{"_type":"https://in-toto.io/Statement/v1",` + body + `}`, nil},
		{"C23", "empty payload", ``, nil},
		{"C23", "null", `null`, nil},
	} {
		t.Run(tc.id+" "+tc.name, func(t *testing.T) {
			res, err := v.VerifyEnvelope(ctx, signedPayload(t, k, tc.payload), artifactOf([]byte("a")))
			wantErr(t, res, err, verify.ErrMalformed, attest.ErrMalformed)
			if tc.also != nil && !errors.Is(err, tc.also) {
				t.Errorf("%v is not %v", err, tc.also)
			}
			if errors.Is(err, verify.ErrSignature) || errors.Is(err, verify.ErrSubjectMismatch) {
				t.Errorf("wrong category: %v", err)
			}
			// Even when the artifact check is skipped.
			res, err = v.VerifyEnvelope(ctx, signedPayload(t, k, tc.payload), verify.WithoutArtifactUnsafe())
			wantErr(t, res, err, verify.ErrMalformed)
		})
	}
	// The control: the same statement, valid, verifies.
	res, err := v.VerifyEnvelope(ctx, signedPayload(t, k, `{"_type":"https://in-toto.io/Statement/v1",`+body+`}`), artifactOf([]byte("a")))
	if err != nil || res.Subject.Name != "a" {
		t.Fatalf("control: %v", err)
	}
}

// TestAdversarial_C40_KeyIsNotACertificate: a certificate is refused as
// a key, and a certificate-signed bundle by a key verifier.
func TestAdversarial_C40_KeyIsNotACertificate(t *testing.T) {
	cert := readFile(t, filepath.Join(vectors, "in-toto-golang", "test-data", "root.cert.pem"))
	if _, err := verify.ParsePublicKey(cert); !errors.Is(err, verify.ErrMalformedKey) {
		t.Fatalf("certificate as key: %v", err)
	}
	// A bundle with a certificate: TestCertificateBundlesRefused.
}

// TestAdversarial_C111_NormalizedBytes: only the received bytes verify.
// The same statement re-serialized (other white space, other key order)
// is another payload, and the signature over the original does not
// verify it; the verifier never re-marshals before checking.
func TestAdversarial_C111_NormalizedBytes(t *testing.T) {
	k := signtest.Key(t, "k1")
	env := statementEnv(t, []byte("a"), k)
	trust := newTrust(t, verify.WithKeys(keysOf(t, k)...))
	if _, err := verify.Verify(ctx, verify.FromEnvelope(env), trust, artifactOf([]byte("a")), verify.TrustedKeys()); err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(env.Payload, &generic); err != nil {
		t.Fatal(err)
	}
	indented, err := json.MarshalIndent(generic, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	sorted, err := json.Marshal(generic) // encoding/json sorts map keys
	if err != nil {
		t.Fatal(err)
	}
	for name, payload := range map[string][]byte{
		"indented":         indented,
		"keys sorted":      sorted,
		"trailing newline": append(bytes.Clone(env.Payload), '\n'),
		"leading space":    append([]byte(" "), env.Payload...),
	} {
		t.Run(name, func(t *testing.T) {
			if bytes.Equal(payload, env.Payload) {
				t.Skip("the same bytes")
			}
			e := env.Clone()
			e.Payload = payload
			_, err := verify.Verify(ctx, verify.FromEnvelope(e), trust, artifactOf([]byte("a")), verify.TrustedKeys())
			if !errors.Is(err, verify.ErrUnverified) {
				t.Fatalf("a re-serialized payload verified: %v", err)
			}
		})
	}
}
