// Package sgproto converts bundles between package bundle's types and the
// protobuf and sigstore-go types, for the code that hands bundles to
// sigstore-go. The conversion goes through the bundle's JSON, the one
// form both sides define, so it is exact: what Parse accepts, protojson
// reads as the same message.
package sgproto

import (
	"encoding/base64"
	"fmt"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
)

// Proto returns b as a new protobuf message.
func Proto(b *bundle.Bundle) (*protobundle.Bundle, error) {
	data, err := b.MarshalJSON()
	if err != nil {
		return nil, err
	}
	pb := new(protobundle.Bundle)
	if err := protojson.Unmarshal(data, pb); err != nil {
		return nil, fmt.Errorf("%w: %v", bundle.ErrMalformed, err)
	}
	return pb, nil
}

// SigstoreGo returns b as a new sigstore-go bundle, which sigstore-go's
// structural rules have checked.
func SigstoreGo(b *bundle.Bundle) (*sgbundle.Bundle, error) {
	pb, err := Proto(b)
	if err != nil {
		return nil, err
	}
	sg, err := sgbundle.NewBundle(pb)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", bundle.ErrMalformed, err)
	}
	return sg, nil
}

// FromProto returns the bundle a protobuf message encodes, checked by
// bundle.Parse.
func FromProto(pb *protobundle.Bundle) (*bundle.Bundle, error) {
	if pb == nil {
		return nil, fmt.Errorf("%w: nil bundle", bundle.ErrMalformed)
	}
	data, err := protojson.Marshal(pb)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", bundle.ErrMalformed, err)
	}
	return bundle.Parse(data)
}

// MustProto is Proto for tests and known-good bundles: it panics on error.
func MustProto(b *bundle.Bundle) *protobundle.Bundle {
	pb, err := Proto(b)
	if err != nil {
		panic(err)
	}
	return pb
}

// MustSigstoreGo is SigstoreGo for tests and known-good bundles: it
// panics on error.
func MustSigstoreGo(b *bundle.Bundle) *sgbundle.Bundle {
	sg, err := SigstoreGo(b)
	if err != nil {
		panic(err)
	}
	return sg
}

// SignatureContent returns b's signature content as sigstore-go's checks
// read it, built from b's own types (no JSON round trip).
func SignatureContent(b *bundle.Bundle) (sgverify.SignatureContent, error) {
	if b.IsDSSE() {
		env, err := b.Envelope()
		if err != nil {
			return nil, err
		}
		out := &dsse.Envelope{PayloadType: env.PayloadType, Payload: base64.StdEncoding.EncodeToString(env.Payload)}
		for _, s := range env.Signatures {
			out.Signatures = append(out.Signatures, dsse.Signature{KeyID: s.KeyID, Sig: base64.StdEncoding.EncodeToString(s.Sig)})
		}
		return &sgbundle.Envelope{Envelope: out}, nil
	}
	ms, err := b.MessageSignature()
	if err != nil {
		return nil, err
	}
	if ms.Digest.IsZero() {
		return nil, fmt.Errorf("%w: message signature without a digest", bundle.ErrMalformed)
	}
	name, ok := hashNames[ms.Digest.Algorithm()]
	if !ok {
		return nil, fmt.Errorf("%w: message digest algorithm %s", bundle.ErrMalformed, ms.Digest.Algorithm())
	}
	return sgbundle.NewMessageSignature(ms.Digest.Bytes(), name, ms.Signature), nil
}

// hashNames are the HashAlgorithm enum names sigstore-go's checks compare.
var hashNames = map[digest.Algorithm]string{
	digest.SHA256: protocommon.HashAlgorithm_SHA2_256.String(),
	digest.SHA384: protocommon.HashAlgorithm_SHA2_384.String(),
	digest.SHA512: protocommon.HashAlgorithm_SHA2_512.String(),
}

// TlogEntry returns e as its protobuf message.
func TlogEntry(e bundle.TlogEntry) *protorekor.TransparencyLogEntry {
	out := &protorekor.TransparencyLogEntry{
		LogIndex:          e.LogIndex,
		LogId:             &protocommon.LogId{KeyId: e.LogID},
		KindVersion:       &protorekor.KindVersion{Kind: e.Kind, Version: e.Version},
		IntegratedTime:    e.IntegratedTime,
		CanonicalizedBody: e.CanonicalizedBody,
	}
	if e.InclusionPromise != nil {
		out.InclusionPromise = &protorekor.InclusionPromise{SignedEntryTimestamp: e.InclusionPromise}
	}
	if p := e.InclusionProof; p != nil {
		out.InclusionProof = &protorekor.InclusionProof{
			LogIndex: p.LogIndex, RootHash: p.RootHash, TreeSize: p.TreeSize, Hashes: p.Hashes,
			Checkpoint: &protorekor.Checkpoint{Envelope: p.Checkpoint},
		}
	}
	return out
}
