package provenance

import (
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/sbom"
)

// Command is a build step for Run: a command and what it produces.
type Command struct {
	// Cmd is the command to run, as the caller set it up (arguments,
	// directory, environment, standard streams). Required; Run starts it.
	Cmd *exec.Cmd
	// Outputs are the files the command produces: the subjects, named by
	// their file names (see Subjects). Either Outputs or OutputDir is
	// required.
	Outputs []string
	// OutputDir is a directory whose regular files are the subjects, named
	// by their paths relative to it (SubjectsInDir: symbolic links are not
	// followed).
	OutputDir string
	// Clock returns the time Run records as the build's start and finish;
	// nil leaves both out. The package reads no clock of its own.
	Clock func() time.Time
	// SBOMs makes an SBOM of each Go binary produced (sbom.FromBinaryFile,
	// with licenses detected offline), returned in Record.SBOMs.
	SBOMs bool
	// SBOMOptions are passed to sbom.FromBinaryFile; a WithTime option
	// is added from Clock when it is set.
	SBOMOptions []sbom.Option
}

// Record is what Run produced: the provenance statement, its subjects,
// and an SBOM per Go binary when asked for.
type Record struct {
	// Statement is the SLSA provenance v1 statement about the outputs.
	Statement *attest.Statement
	// Subjects are its subjects, sorted by name.
	Subjects []attest.ResourceDescriptor
	// SBOMs are the SBOMs of the Go binaries among the subjects, by
	// subject name; nil unless Command.SBOMs is set.
	SBOMs map[string]*sbom.Document
}

// Run runs c.Cmd as one build of b and records it: the outputs' digests
// as subjects, the modules and toolchain of each Go binary produced as
// resolved dependencies (GoDependencies), the start and finish times from
// c.Clock, and, with c.SBOMs, an SBOM per Go binary. A command that fails
// (or cannot start, or is cancelled with ctx) produces no record and an
// error matching ErrBuild; Run writes nothing itself, so nothing is left
// half-written: sign the statement and write the files with the caller's
// atomic writes.
func (b *Build) Run(ctx context.Context, c Command) (*Record, error) {
	switch {
	case c.Cmd == nil:
		return nil, fmt.Errorf("%w: Run needs a command", ErrInvalid)
	case len(c.Outputs) == 0 && c.OutputDir == "":
		return nil, fmt.Errorf("%w: Run needs outputs or an output directory", ErrInvalid)
	case len(c.Outputs) > 0 && c.OutputDir != "":
		return nil, fmt.Errorf("%w: Run takes outputs or an output directory, not both", ErrInvalid)
	case c.Cmd.Process != nil:
		return nil, fmt.Errorf("%w: the command was already started", ErrInvalid)
	}
	if _, err := b.Predicate(Options{}); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBuild, err)
	}
	var opts Options
	if c.Clock != nil {
		opts.StartedOn = c.Clock()
	}
	if err := runContext(ctx, c.Cmd); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil, fmt.Errorf("%w: %s: %s", ErrBuild, c.Cmd.Path, exit.ProcessState)
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrBuild, c.Cmd.Path, err)
	}
	if c.Clock != nil {
		opts.FinishedOn = c.Clock()
	}
	var (
		subjects []attest.ResourceDescriptor
		files    []string
		err      error
	)
	if c.OutputDir != "" {
		subjects, err = SubjectsInDir(c.OutputDir)
		for _, s := range subjects {
			files = append(files, filepath.Join(c.OutputDir, filepath.FromSlash(s.Name)))
		}
	} else {
		subjects, err = Subjects(c.Outputs...)
		files = c.Outputs
	}
	if err != nil {
		return nil, err
	}
	if opts.Dependencies, err = GoDependencies(files...); err != nil {
		return nil, err
	}
	st, err := b.Statement(subjects, opts)
	if err != nil {
		return nil, err
	}
	rec := &Record{Statement: st, Subjects: st.Subject}
	if c.SBOMs {
		sopts := append([]sbom.Option(nil), c.SBOMOptions...)
		if c.Clock != nil {
			sopts = append(sopts, sbom.WithTime(opts.FinishedOn))
		}
		rec.SBOMs = map[string]*sbom.Document{}
		for i, f := range files {
			if _, err := buildinfo.ReadFile(f); err != nil {
				continue
			}
			doc, err := sbom.FromBinaryFile(ctx, f, sopts...)
			if err != nil {
				return nil, fmt.Errorf("%w: SBOM of %s: %w", ErrSubject, f, err)
			}
			rec.SBOMs[subjects[i].Name] = doc
		}
	}
	return rec, nil
}

// runContext runs cmd, killing it when ctx is done.
func runContext(ctx context.Context, cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		<-done
		return ctx.Err()
	}
}
