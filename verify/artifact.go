package verify

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
)

// ArtifactPolicy says which artifact a verified statement or message
// signature must be about. Every Verify call takes one; the zero value is
// rejected, so skipping the artifact check is always written out as
// WithoutArtifactUnsafe().
type ArtifactPolicy struct {
	kind    artifactKind
	path    string
	reader  io.Reader
	digests digest.Set
	extra   []string
}

type artifactKind int

const (
	artifactNone artifactKind = iota
	artifactFile
	artifactReader
	artifactDigests
	artifactUnsafeSkip
)

// WithArtifactFile checks against the named file, hashed locally with
// every algorithm the statement's subjects use (sha256, sha384, sha512).
func WithArtifactFile(path string) ArtifactPolicy {
	return ArtifactPolicy{kind: artifactFile, path: path}
}

// WithArtifact checks against the bytes of r, hashed locally. r is read
// once, to the end.
func WithArtifact(r io.Reader) ArtifactPolicy {
	return ArtifactPolicy{kind: artifactReader, reader: r}
}

// WithArtifactDigest checks against digests the caller computed. A
// subject matches only if the strongest of its sha256/sha384/sha512
// digests is among them (see digest.Set.Match).
func WithArtifactDigest(ds ...digest.Digest) ArtifactPolicy {
	return ArtifactPolicy{kind: artifactDigests, digests: digest.NewSet(ds...)}
}

// WithSubjectDigest checks against a digest of an algorithm this module
// does not compute, which the caller vouches for, such as
// "gce_image_id" in Google's VSAs. The comparison is exact.
func WithSubjectDigest(algorithm, value string) ArtifactPolicy {
	return ArtifactPolicy{kind: artifactDigests, digests: digest.Set{algorithm: value}, extra: []string{algorithm}}
}

// WithoutArtifactUnsafe skips the artifact check: the result then says
// who signed what, but not that it is about any artifact in particular.
// Message signatures cannot be checked this way.
func WithoutArtifactUnsafe() ArtifactPolicy {
	return ArtifactPolicy{kind: artifactUnsafeSkip}
}

func (p ArtifactPolicy) String() string {
	switch p.kind {
	case artifactFile:
		return "file " + p.path
	case artifactReader:
		return "reader"
	case artifactDigests:
		return "digests"
	case artifactUnsafeSkip:
		return "none (unsafe)"
	}
	return "unset"
}

// artifact is an artifact as far as it has been read: its digests, and
// for Ed25519 message signatures, its bytes.
type artifact struct {
	p      ArtifactPolicy
	set    digest.Set
	data   []byte // only when readAll was asked
	loaded bool
}

// digests returns the artifact's digests for algs, reading it at most
// once. With keepBytes it also keeps the bytes (bounded).
func (a *artifact) digests(algs []digest.Algorithm, keepBytes bool) (digest.Set, []byte, error) {
	switch a.p.kind {
	case artifactDigests:
		if keepBytes {
			return nil, nil, fmt.Errorf("%w: an Ed25519 message signature needs the artifact's bytes, not a digest", ErrArtifactPolicy)
		}
		return a.p.digests, nil, nil
	case artifactFile, artifactReader:
	default:
		return nil, nil, fmt.Errorf("%w: no artifact to check", ErrArtifactPolicy)
	}
	if a.loaded {
		return a.set, a.data, nil
	}
	a.loaded = true
	var r io.Reader
	if a.p.kind == artifactFile {
		f, err := os.Open(a.p.path)
		if err != nil {
			return nil, nil, because(ErrArtifactPolicy, err)
		}
		defer f.Close()
		r = f
	} else {
		if a.p.reader == nil {
			return nil, nil, fmt.Errorf("%w: nil reader", ErrArtifactPolicy)
		}
		r = a.p.reader
	}
	if keepBytes {
		data, err := io.ReadAll(io.LimitReader(r, maxInMemoryArtifact+1))
		if err != nil {
			return nil, nil, fmt.Errorf("%w: reading artifact: %v", ErrArtifactPolicy, err)
		}
		if len(data) > maxInMemoryArtifact {
			return nil, nil, fmt.Errorf("%w: artifact larger than %d bytes for an Ed25519 message signature", ErrArtifactPolicy, maxInMemoryArtifact)
		}
		a.data = data
		r = bytes.NewReader(data)
	}
	if len(algs) == 0 {
		algs = []digest.Algorithm{digest.SHA256}
	}
	set, err := digest.SetFromReader(r, algs...)
	if err != nil {
		return nil, nil, because(ErrArtifactPolicy, err)
	}
	a.set = set
	return a.set, a.data, nil
}

// maxInMemoryArtifact bounds artifacts held in memory (Ed25519 message
// signatures only); it matches sign.MaxInMemoryBlob.
const maxInMemoryArtifact = 128 << 20

// matchSubjects checks the statement's subjects against the artifact and
// returns the matching subject and the digests compared.
func (a *artifact) matchSubjects(st *attest.Statement) (*attest.ResourceDescriptor, digest.Set, error) {
	// Hash once with every supported algorithm any subject names.
	var algs []digest.Algorithm
	seen := map[digest.Algorithm]bool{}
	for _, s := range st.Subject {
		for _, alg := range s.Digest.Supported() {
			if !seen[alg] {
				seen[alg] = true
				algs = append(algs, alg)
			}
		}
	}
	actual, _, err := a.digests(algs, false)
	if err != nil {
		return nil, nil, err
	}
	var first error
	for i := range st.Subject {
		matched, err := st.Subject[i].Digest.MatchWith(actual, a.p.extra...)
		if err == nil {
			rd := st.Subject[i]
			return &rd, matched, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, nil, &SubjectError{Artifact: copySet(actual), Subjects: len(st.Subject), Err: first}
}

func copySet(s digest.Set) map[string]string {
	out := make(map[string]string, len(s))
	for k, v := range s {
		out[k] = v
	}
	return out
}
