package provenance

import (
	"debug/buildinfo"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sbom"
)

// Limits on what is recorded.
const (
	// MaxSubjects is the most subjects one statement gets.
	MaxSubjects = 10000
	// MaxDependencies is the most resolved dependencies one statement
	// gets.
	MaxDependencies = 10000
)

// Options are the parts of a provenance statement that are not in the
// Build: times, which are the caller's (the package reads no clock), and
// further dependencies and byproducts.
type Options struct {
	// StartedOn and FinishedOn are runDetails.metadata's times; zero
	// values are left out. FinishedOn must not be before StartedOn.
	StartedOn, FinishedOn time.Time
	// Dependencies are resolved dependencies besides the source, such as
	// GoDependencies of the produced binaries; duplicates (the same uri
	// and digests) are listed once.
	Dependencies []attest.ResourceDescriptor
	// Byproducts are runDetails.byproducts: logs, SBOMs, other outputs
	// that are not subjects.
	Byproducts []attest.ResourceDescriptor
}

// Statement returns the SLSA provenance v1 statement of the build about
// subjects: the build's type, parameters and builder, the source commit
// as the first resolved dependency, then opts.Dependencies. The same
// Build, subjects and options give the same bytes: subjects and
// dependencies are sorted, and nothing is read from the environment or
// the clock.
func (b *Build) Statement(subjects []attest.ResourceDescriptor, opts Options) (*attest.Statement, error) {
	p, err := b.Predicate(opts)
	if err != nil {
		return nil, err
	}
	if len(subjects) == 0 || len(subjects) > MaxSubjects {
		return nil, fmt.Errorf("%w: %d subjects, want 1 to %d", ErrInvalid, len(subjects), MaxSubjects)
	}
	subj := append([]attest.ResourceDescriptor(nil), subjects...)
	sort.SliceStable(subj, func(i, j int) bool { return subj[i].Name < subj[j].Name })
	for i := 1; i < len(subj); i++ {
		if subj[i].Name == subj[i-1].Name {
			return nil, fmt.Errorf("%w: two subjects named %q", ErrInvalid, truncate(subj[i].Name))
		}
	}
	st, err := attest.NewPredicateStatement(p, subj...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return st, nil
}

// Predicate returns the SLSA provenance v1 predicate of the build (see
// Statement).
func (b *Build) Predicate(opts Options) (*attest.ProvenanceV1, error) {
	switch {
	case b == nil || b.BuilderID == "" || b.BuildType == "":
		return nil, fmt.Errorf("%w: a build needs a builder id and a build type", ErrInvalid)
	case b.ExternalParameters == nil:
		return nil, fmt.Errorf("%w: a build needs external parameters (an empty map when it has none)", ErrInvalid)
	case !opts.StartedOn.IsZero() && !opts.FinishedOn.IsZero() && opts.FinishedOn.Before(opts.StartedOn):
		return nil, fmt.Errorf("%w: finished %s, before it started %s", ErrInvalid,
			opts.FinishedOn.UTC().Format(time.RFC3339), opts.StartedOn.UTC().Format(time.RFC3339))
	}
	var deps []attest.ResourceDescriptor
	if b.Source.Repository != "" && b.Source.Commit != "" {
		uri := "git+" + b.Source.Repository
		if b.Source.Ref != "" {
			uri += "@" + b.Source.Ref
		}
		deps = append(deps, attest.ResourceDescriptor{URI: uri, Digest: digest.Set{"gitCommit": b.Source.Commit}})
	}
	rest, err := dedupe(opts.Dependencies)
	if err != nil {
		return nil, err
	}
	deps = append(deps, rest...)
	if len(deps) > MaxDependencies {
		return nil, fmt.Errorf("%w: %d resolved dependencies, limit %d", ErrInvalid, len(deps), MaxDependencies)
	}
	p := &attest.ProvenanceV1{
		BuildDefinition: attest.BuildDefinition{
			BuildType:            b.BuildType,
			ExternalParameters:   b.ExternalParameters,
			InternalParameters:   b.InternalParameters,
			ResolvedDependencies: deps,
		},
		RunDetails: attest.RunDetails{
			Builder:    attest.Builder{ID: b.BuilderID},
			Byproducts: opts.Byproducts,
		},
	}
	if b.InvocationID != "" || !opts.StartedOn.IsZero() || !opts.FinishedOn.IsZero() {
		m := &attest.BuildMetadata{InvocationID: b.InvocationID}
		if !opts.StartedOn.IsZero() {
			t := opts.StartedOn.UTC()
			m.StartedOn = &t
		}
		if !opts.FinishedOn.IsZero() {
			t := opts.FinishedOn.UTC()
			m.FinishedOn = &t
		}
		p.RunDetails.Metadata = m
	}
	return p, nil
}

// dedupe sorts dependencies by uri then name and drops exact repeats; two
// entries of one uri with different digests are an error.
func dedupe(in []attest.ResourceDescriptor) ([]attest.ResourceDescriptor, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := append([]attest.ResourceDescriptor(nil), in...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].URI != out[j].URI {
			return out[i].URI < out[j].URI
		}
		return out[i].Name < out[j].Name
	})
	n := 1
	for i := 1; i < len(out); i++ {
		prev, cur := &out[n-1], &out[i]
		if cur.URI != "" && cur.URI == prev.URI && cur.Name == prev.Name {
			if !maps.Equal(cur.Digest, prev.Digest) {
				return nil, fmt.Errorf("%w: dependency %s listed with two different digests", ErrInvalid, truncate(cur.URI))
			}
			continue
		}
		out[n] = *cur
		n++
	}
	return out[:n], nil
}

// Subjects returns a subject for each named file: named by its file name
// (as slsa-github-generator and examples/attest name subjects, so the
// same build in another directory, or by another builder, names them
// alike), with its SHA-256, read in constant memory. Each must be a
// regular file; a symbolic link is an error (name its target instead).
// Two files of one name are an error of Statement; use SubjectsInDir for
// a tree of outputs.
func Subjects(paths ...string) ([]attest.ResourceDescriptor, error) {
	if len(paths) > MaxSubjects {
		return nil, fmt.Errorf("%w: %d files, limit %d", ErrSubject, len(paths), MaxSubjects)
	}
	out := make([]attest.ResourceDescriptor, 0, len(paths))
	for _, p := range paths {
		d, err := fileSubject(p, filepath.Base(p))
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// SubjectsInDir returns a subject for each regular file under dir, named
// by its path relative to dir (slashes), sorted. Symbolic links are not
// followed and not listed, so nothing outside dir is read; other special
// files are skipped too.
func SubjectsInDir(dir string) ([]attest.ResourceDescriptor, error) {
	var out []attest.ResourceDescriptor
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.Type().IsRegular() {
			return nil
		}
		if len(out) == MaxSubjects {
			return fmt.Errorf("%w: more than %d files in %s", ErrSubject, MaxSubjects, dir)
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		d, err := fileSubject(path, filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, wrap(ErrSubject, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no files in %s", ErrSubject, dir)
	}
	return out, nil
}

func fileSubject(path, name string) (attest.ResourceDescriptor, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return attest.ResourceDescriptor{}, fmt.Errorf("%w: %w", ErrSubject, err)
	}
	if !fi.Mode().IsRegular() {
		return attest.ResourceDescriptor{}, fmt.Errorf("%w: %s is not a regular file (%s)", ErrSubject, path, fi.Mode().Type())
	}
	d, err := digest.FromFile(path, digest.SHA256)
	if err != nil {
		return attest.ResourceDescriptor{}, fmt.Errorf("%w: %w", ErrSubject, err)
	}
	return attest.Subject(name, d), nil
}

// GoDependencies returns, for each Go binary among paths, the toolchain
// that built it ("pkg:golang/stdlib@VERSION") and every module linked
// into it, as `go version -m` lists them (replacements applied): named by
// module path, with its package URL, and its go.sum hash as an in-toto
// goModuleH1 digest (hex) when the binary records one. Files that are not
// Go binaries are skipped; modules shared by several binaries are listed
// once.
func GoDependencies(paths ...string) ([]attest.ResourceDescriptor, error) {
	var out []attest.ResourceDescriptor
	for _, p := range paths {
		bi, err := buildinfo.ReadFile(p)
		if err != nil {
			continue // not a Go binary, or built without module information
		}
		doc, err := sbom.FromBuildInfo(bi, sbom.WithLicenses(false))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrSubject, p, err)
		}
		for _, c := range doc.Components {
			if c.Kind == sbom.KindApplication || c.PURL == "" || (bi.Main.Path != "" && c.Name == bi.Main.Path && c.Version == bi.Main.Version) {
				continue
			}
			d := attest.ResourceDescriptor{Name: c.Name, URI: c.PURL}
			if h, ok := sbom.H1Hex(c.GoH1); ok {
				d.Digest = digest.Set{"goModuleH1": h}
			}
			out = append(out, d)
		}
	}
	return dedupe(out)
}

// wrap returns err matching kind, without saying kind twice.
func wrap(kind, err error) error {
	if err == nil || errors.Is(err, kind) {
		return err
	}
	return fmt.Errorf("%w: %w", kind, err)
}
