package sigstoretest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	rekornote "github.com/sigstore/rekor-tiles/v2/pkg/note"
	rekorutil "github.com/sigstore/rekor/pkg/util"
	"github.com/sigstore/sigstore/pkg/signature"
	flog "github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/note"
)

// Log is a Rekor log. Each entry it makes is the second leaf of a
// two-leaf tree (RFC 6962), with a signed checkpoint over the root.
type Log struct {
	// Host is the checkpoint origin.
	Host string
	// Key signs the log's checkpoints and entry timestamps.
	Key *ecdsa.PrivateKey
	// Index is the log index of the entries it makes.
	Index int64
	// V2 makes it a Rekor v2 log (rekor-tiles): hashedrekord 0.0.2
	// entries without promise or integrated time, checkpoints signed as
	// notes with the bare origin.
	V2 bool
}

// entry logs body, an entry of the kind, integrated at o.Integrated; o
// also says to leave out the promise (NoPromise) or the proof (NoProof).
func (l *Log) entry(body []byte, kind string, o SignOpts) (*protorekor.TransparencyLogEntry, error) {
	id, err := logID(l.Key.Public())
	if err != nil {
		return nil, err
	}
	version := "0.0.1"
	if l.V2 {
		version = "0.0.2"
	}
	tle := &protorekor.TransparencyLogEntry{
		LogIndex:          l.Index,
		LogId:             &protocommon.LogId{KeyId: id},
		KindVersion:       &protorekor.KindVersion{Kind: kind, Version: version},
		CanonicalizedBody: body,
	}
	if !l.V2 {
		tle.IntegratedTime = o.Integrated.Unix()
	}
	if !o.NoPromise && !l.V2 {
		set, err := l.set(tle)
		if err != nil {
			return nil, err
		}
		tle.InclusionPromise = &protorekor.InclusionPromise{SignedEntryTimestamp: set}
	}
	if !o.NoProof {
		if tle.InclusionProof, err = l.proof(body); err != nil {
			return nil, err
		}
	}
	return tle, nil
}

// Entry logs body, a hashedrekord entry (dsse with o.DSSE) integrated at
// o.Integrated: with a signed entry timestamp (unless o.NoPromise) and an
// inclusion proof (unless o.NoProof).
func (l *Log) Entry(t testing.TB, body []byte, o SignOpts) *protorekor.TransparencyLogEntry {
	t.Helper()
	kind := "hashedrekord"
	if o.DSSE {
		kind = "dsse"
	}
	tle, err := l.entry(body, kind, o)
	if err != nil {
		t.Fatal(err)
	}
	return tle
}

func (l *Log) set(tle *protorekor.TransparencyLogEntry) ([]byte, error) {
	payload := fmt.Sprintf(`{"body":%q,"integratedTime":%d,"logID":%q,"logIndex":%d}`,
		base64.StdEncoding.EncodeToString(tle.CanonicalizedBody), tle.IntegratedTime, hex.EncodeToString(tle.LogId.KeyId), tle.LogIndex)
	h := sha256.Sum256([]byte(payload))
	return ecdsa.SignASN1(rand.Reader, l.Key, h[:])
}

// Set is the signed entry timestamp of tle: the log's signature over the
// entry's canonical payload, as Rekor v1 makes it.
func (l *Log) Set(t testing.TB, tle *protorekor.TransparencyLogEntry) []byte {
	t.Helper()
	sig, err := l.set(tle)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// LeafHash is the RFC 6962 hash of a leaf.
func LeafHash(body []byte) []byte {
	h := sha256.Sum256(append([]byte{0}, body...))
	return h[:]
}

// NodeHash is the RFC 6962 hash of an interior node.
func NodeHash(l, r []byte) []byte {
	h := sha256.Sum256(append(append([]byte{1}, l...), r...))
	return h[:]
}

// proof puts body in a tree of two leaves, a sibling then the entry, and
// signs a checkpoint over the root.
func (l *Log) proof(body []byte) (*protorekor.InclusionProof, error) {
	sibling := LeafHash([]byte("another entry"))
	root := NodeHash(sibling, LeafHash(body))
	signer, err := signature.LoadECDSASignerVerifier(l.Key, crypto.SHA256)
	if err != nil {
		return nil, err
	}
	var cp []byte
	if l.V2 {
		ns, err := rekornote.NewNoteSigner(context.Background(), l.Host, signer)
		if err != nil {
			return nil, err
		}
		cp, err = note.Sign(&note.Note{Text: string(flog.Checkpoint{Origin: l.Host, Size: 2, Hash: root}.Marshal())}, ns)
		if err != nil {
			return nil, err
		}
	} else if cp, err = rekorutil.CreateAndSignCheckpoint(context.Background(), l.Host, 1234, 2, root, signer); err != nil {
		return nil, err
	}
	return &protorekor.InclusionProof{
		LogIndex:   1,
		RootHash:   root,
		TreeSize:   2,
		Hashes:     [][]byte{sibling},
		Checkpoint: &protorekor.Checkpoint{Envelope: string(cp)},
	}, nil
}

// Proof is an inclusion proof of body at index 1 of a two-leaf tree,
// with a checkpoint the log signed.
func (l *Log) Proof(t testing.TB, body []byte) *protorekor.InclusionProof {
	t.Helper()
	p, err := l.proof(body)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// RekorBody is the canonical body (sorted keys, compact) of a Rekor v1
// entry for signature sig by pubPEM (a certificate or a public key): a
// hashedrekord 0.0.1 entry over artifact, or with env a dsse 0.0.1 entry
// over the envelope.
func RekorBody(t testing.TB, artifact []byte, env *protodsse.Envelope, sig, pubPEM []byte) []byte {
	t.Helper()
	b64 := base64.StdEncoding.EncodeToString
	if env == nil {
		h := sha256.Sum256(artifact)
		return []byte(fmt.Sprintf(`{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":%q}},"signature":{"content":%q,"publicKey":{"content":%q}}}}`,
			hex.EncodeToString(h[:]), b64(sig), b64(pubPEM)))
	}
	envJSON, err := json.Marshal(map[string]any{
		"payload":     b64(env.Payload),
		"payloadType": env.PayloadType,
		"signatures":  []map[string]string{{"sig": b64(sig)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	eh := sha256.Sum256(envJSON)
	ph := sha256.Sum256(env.Payload)
	return []byte(fmt.Sprintf(`{"apiVersion":"0.0.1","kind":"dsse","spec":{"envelopeHash":{"algorithm":"sha256","value":%q},"payloadHash":{"algorithm":"sha256","value":%q},"signatures":[{"signature":%q,"verifier":%q}]}}`,
		hex.EncodeToString(eh[:]), hex.EncodeToString(ph[:]), b64(sig), b64(pubPEM)))
}
