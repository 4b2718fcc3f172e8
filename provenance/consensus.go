package provenance

import (
	"fmt"
	"sort"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy/slsa"
	"github.com/chainmail-dev/chainmail/verify"
)

// PredicateReproducible is the predicate type of a consensus statement:
// what independent builders of one source commit produced, and whether
// they agree.
const PredicateReproducible = "https://github.com/chainmail-dev/chainmail/provenance/reproducible/v1"

// Consensus results.
const (
	Agreed    = "AGREED"
	Disagreed = "DISAGREED"
)

// Agreement is what several independent builders of the same source
// commit produced, compared subject by subject. Its JSON encoding is the
// predicate of a PredicateReproducible statement (Agreement.Statement).
type Agreement struct {
	// Source is the source all the builds were of: "git+REPOSITORY" and
	// its commit.
	Source attest.ResourceDescriptor `json:"source"`
	// Result is Agreed when every builder produced every subject with the
	// same SHA-256, else Disagreed.
	Result string `json:"result"`
	// Builders are the builders compared, sorted by id, each with the
	// digest of the verified envelope or bundle its provenance came in.
	Builders []ConsensusBuilder `json:"builders"`
	// Subjects are the subjects by name, sorted.
	Subjects []ConsensusSubject `json:"subjects"`
	// Disagreeing are the builders that produced a subject differently
	// from the most builders, or not at all, sorted; empty when agreed.
	Disagreeing []string `json:"disagreeing,omitempty"`
}

// ConsensusBuilder is one builder of an Agreement.
type ConsensusBuilder struct {
	// ID is the builder id.
	ID string `json:"id"`
	// Attestation is the SHA-256 of the verified envelope or bundle that
	// carried its provenance (verify.Result.Input).
	Attestation digest.Set `json:"attestation"`
}

// ConsensusSubject is one subject of an Agreement: the digests the
// builders produced for it.
type ConsensusSubject struct {
	// Name is the subject's name.
	Name string `json:"name"`
	// Agreed is set when every builder produced it with one digest.
	Agreed bool `json:"agreed"`
	// Digests are the distinct SHA-256 digests produced, the most common
	// first (ties by digest), each with the builders that produced it.
	Digests []ConsensusDigest `json:"digests"`
	// Missing are the builders that did not produce it, sorted.
	Missing []string `json:"missing,omitempty"`
}

// ConsensusDigest is one digest a subject was produced with.
type ConsensusDigest struct {
	// Digest is the subject's digest set, {"sha256": HEX}.
	Digest digest.Set `json:"digest"`
	// Builders are the builders that produced it, sorted.
	Builders []string `json:"builders"`
}

// Consensus compares verified provenance from several independent
// builders of one source commit (SLSA provenance v1 or v0.2, one
// attestation per builder, each verify.Verify'd, with or without an
// artifact): whether every builder produced every subject with the same
// SHA-256, and which builders differ from the most. It needs at least min
// distinct builders (at least 2); provenance of another source repository
// or commit, a builder twice, a result that did not verify, or provenance
// without a source commit are errors matching ErrInvalid or ErrSource.
func Consensus(results []*verify.Result, min int) (*Agreement, error) {
	if min < 2 {
		return nil, fmt.Errorf("%w: a consensus needs at least 2 builders, not %d", ErrInvalid, min)
	}
	if len(results) < min {
		return nil, fmt.Errorf("%w: %d provenance attestations, fewer than the %d builders asked for", ErrInvalid, len(results), min)
	}
	if len(results) > MaxSubjects {
		return nil, fmt.Errorf("%w: %d provenance attestations, limit %d", ErrInvalid, len(results), MaxSubjects)
	}
	a := &Agreement{}
	produced := map[string]map[string]string{} // subject name -> builder -> sha256
	var source, commit string
	seen := map[string]bool{}
	for i, r := range results {
		if r == nil || !r.Verified() || r.Statement == nil {
			return nil, fmt.Errorf("%w: result %d was not returned by a successful verification of a statement", ErrInvalid, i)
		}
		pred, err := attest.DecodePredicate(r.Statement)
		if err != nil {
			return nil, fmt.Errorf("%w: result %d: %w", ErrInvalid, i, err)
		}
		f, err := slsa.ReadFacts(pred)
		if err != nil {
			return nil, fmt.Errorf("%w: result %d: %w", ErrSource, i, err)
		}
		if f.Repository == "" || f.Commit == "" {
			return nil, fmt.Errorf("%w: result %d: the provenance names no source repository and commit", ErrSource, i)
		}
		repo, err := slsa.NormalizeRepo(f.Repository)
		if err != nil {
			return nil, fmt.Errorf("%w: result %d: %w", ErrSource, i, err)
		}
		if i == 0 {
			source, commit = repo, f.Commit
		} else if repo != source || f.Commit != commit {
			return nil, fmt.Errorf("%w: result %d is of %s at %s, result 0 of %s at %s", ErrSource, i, repo, f.Commit, source, commit)
		}
		if seen[f.BuilderID] {
			return nil, fmt.Errorf("%w: builder %s twice: a consensus counts independent builders", ErrInvalid, truncate(f.BuilderID))
		}
		seen[f.BuilderID] = true
		a.Builders = append(a.Builders, ConsensusBuilder{ID: f.BuilderID, Attestation: digest.NewSet(r.Input)})
		for _, s := range r.Statement.Subject {
			sum := s.Digest["sha256"]
			if sum == "" {
				return nil, fmt.Errorf("%w: result %d: subject %q has no sha256", ErrInvalid, i, truncate(s.Name))
			}
			m := produced[s.Name]
			if m == nil {
				m = map[string]string{}
				produced[s.Name] = m
			}
			if prev, ok := m[f.BuilderID]; ok && prev != sum {
				return nil, fmt.Errorf("%w: result %d names subject %q twice with different digests", ErrInvalid, i, truncate(s.Name))
			}
			m[f.BuilderID] = sum
		}
	}
	if len(a.Builders) < min {
		return nil, fmt.Errorf("%w: %d distinct builders, fewer than %d", ErrInvalid, len(a.Builders), min)
	}
	sort.Slice(a.Builders, func(i, j int) bool { return a.Builders[i].ID < a.Builders[j].ID })
	a.Source = attest.ResourceDescriptor{URI: "git+" + source, Digest: digest.Set{"gitCommit": commit}}
	disagree := map[string]bool{}
	for _, name := range sortedKeys(produced) {
		by := produced[name]
		groups := map[string][]string{}
		for b, sum := range by {
			groups[sum] = append(groups[sum], b)
		}
		cs := ConsensusSubject{Name: name}
		for sum, bs := range groups {
			sort.Strings(bs)
			cs.Digests = append(cs.Digests, ConsensusDigest{Digest: digest.Set{"sha256": sum}, Builders: bs})
		}
		sort.Slice(cs.Digests, func(i, j int) bool {
			if len(cs.Digests[i].Builders) != len(cs.Digests[j].Builders) {
				return len(cs.Digests[i].Builders) > len(cs.Digests[j].Builders)
			}
			return cs.Digests[i].Digest["sha256"] < cs.Digests[j].Digest["sha256"]
		})
		for _, b := range a.Builders {
			if _, ok := by[b.ID]; !ok {
				cs.Missing = append(cs.Missing, b.ID)
				disagree[b.ID] = true
			}
		}
		for _, d := range cs.Digests[1:] {
			for _, b := range d.Builders {
				disagree[b] = true
			}
		}
		cs.Agreed = len(cs.Digests) == 1 && len(cs.Missing) == 0
		a.Subjects = append(a.Subjects, cs)
	}
	a.Disagreeing = sortedKeys(disagree)
	a.Result = Agreed
	if len(a.Disagreeing) > 0 {
		a.Result = Disagreed
	}
	return a, nil
}

// Statement returns the agreement as an in-toto statement of type
// PredicateReproducible, to sign like any other: its subjects are every
// subject name with every digest produced for it, so the record is found
// from any of the artifacts.
func (a *Agreement) Statement() (*attest.Statement, error) {
	var subjects []attest.ResourceDescriptor
	for _, s := range a.Subjects {
		for _, d := range s.Digests {
			subjects = append(subjects, attest.ResourceDescriptor{Name: s.Name, Digest: d.Digest})
		}
	}
	st, err := attest.NewStatement(PredicateReproducible, a, subjects...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return st, nil
}
