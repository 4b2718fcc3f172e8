// Command sbom generates, validates, converts, compares and merges SBOMs
// with package github.com/chainmail-dev/chainmail/sbom.
//
// Usage:
//
//	sbom [-format F] [-mode module|packages] [-main PKG]... [-o FILE] TARGET
//	sbom validate [-ntia] FILE
//	sbom convert -to F [-o FILE] FILE
//	sbom diff A B
//	sbom merge [-format F] [-o FILE] A B...
//
// TARGET is a Go module directory or a Go binary. F is one of
// cyclonedx-json (default), cyclonedx-xml, spdx-json and spdx-tv,
// optionally with a version ("cyclonedx-json@1.5"). FILE "-" is standard
// input. Without -time the creation time is SOURCE_DATE_EPOCH when set,
// else the VCS time; SPDX output of a document without one (convert,
// merge) also takes SOURCE_DATE_EPOCH.
//
// Exit status: 0 ok; 1 invalid document (validate) or documents differ
// (diff) or another failure; 2 usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chainmail-dev/chainmail/examples/internal/cli"
	"github.com/chainmail-dev/chainmail/sbom"
)

const usage = `usage:
  sbom [-format F] [-mode module|packages] [-main PKG]... [-o FILE] TARGET
  sbom validate [-ntia] FILE
  sbom convert -to F [-o FILE] FILE
  sbom diff A B
  sbom merge [-format F] [-o FILE] A B...

TARGET is a Go module directory or a Go binary. F: cyclonedx-json (default),
cyclonedx-xml, spdx-json, spdx-tv, optionally @version (cyclonedx-json@1.5).
Exit status: 0 ok, 1 invalid or different (or failed), 2 usage.
`

// errUsage marks command-line mistakes (exit status 2).
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

func exitCode(err error, stderr io.Writer) int {
	var diff errDifferent
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "sbom: %v\n\n%s", err, usage)
		return 2
	case errors.As(err, &diff):
		return 1
	default:
		fmt.Fprintln(stderr, cli.Message("sbom", err))
		return 1
	}
}

type errDifferent struct{}

// Error says the documents differ.
func (errDifferent) Error() string { return "documents differ" }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "validate":
			return cmdValidate(ctx, args[1:], stdout)
		case "convert":
			return cmdConvert(args[1:], stdout, stderr)
		case "diff":
			return cmdDiff(args[1:], stdout)
		case "merge":
			return cmdMerge(args[1:], stdout)
		case "help", "-h", "-help", "--help":
			fmt.Fprint(stdout, usage)
			return nil
		}
	}
	return cmdGenerate(ctx, args, stdout, stderr)
}

type multi []string

// String joins the values with commas.
func (m *multi) String() string { return strings.Join(*m, ",") }

// Set adds a value.
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

func cmdGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sbom")
	format := fs.String("format", "cyclonedx-json", "output format")
	mode := fs.String("mode", "", "module or packages (default module, packages with -main)")
	var mains, tags multi
	fs.Var(&mains, "main", "main package (repeatable; implies -mode packages)")
	fs.Var(&tags, "tags", "build tag (repeatable)")
	out := fs.String("o", "", "output file (default standard output)")
	goos := fs.String("goos", "", "GOOS for -mode packages")
	goarch := fs.String("goarch", "", "GOARCH for -mode packages")
	tests := fs.Bool("tests", false, "include test dependencies (excluded scope)")
	version := fs.String("version", "", "main module version")
	licenses := fs.Bool("licenses", true, "detect licenses from the module cache (for a binary: only when set)")
	stdlib := fs.Bool("stdlib", true, "include the Go standard library")
	workspace := fs.Bool("workspace", false, "use go.work")
	created := fs.String("time", "", "creation time, RFC 3339 (default $SOURCE_DATE_EPOCH, else the VCS time)")
	cache := fs.String("cache", "", "`dir`ectory caching detected licenses and module zip digests per module version (default: the user cache dir's chainmail/sbom; \"off\" disables)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: need exactly one TARGET", errUsage)
	}
	f, err := sbom.ParseFormat(*format)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	opts := []sbom.Option{
		sbom.WithStdlib(*stdlib), sbom.WithWorkspace(*workspace),
		sbom.WithTests(*tests), sbom.WithMainVersion(*version),
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "licenses" {
			opts = append(opts, sbom.WithLicenses(*licenses))
		}
	})
	switch *cache {
	case "off":
	case "":
		if dir, err := os.UserCacheDir(); err == nil {
			opts = append(opts, sbom.WithCache(filepath.Join(dir, "chainmail", "sbom")))
		}
	default:
		opts = append(opts, sbom.WithCache(*cache))
	}
	switch *mode {
	case "":
	case "module":
		opts = append(opts, sbom.WithMode(sbom.ModeModule))
	case "packages":
		opts = append(opts, sbom.WithMode(sbom.ModePackages))
	default:
		return fmt.Errorf("%w: -mode must be module or packages", errUsage)
	}
	if len(mains) > 0 {
		opts = append(opts, sbom.WithMain(mains...))
	}
	if *goos != "" || *goarch != "" || len(tags) > 0 {
		opts = append(opts, sbom.WithBuildContext(*goos, *goarch, tags...))
	}
	if *created != "" {
		t, err := time.Parse(time.RFC3339, *created)
		if err != nil {
			return fmt.Errorf("%w: -time: %v", errUsage, err)
		}
		opts = append(opts, sbom.WithTime(t))
	} else if t, ok, err := sourceDateEpoch(); err != nil {
		return err
	} else if ok {
		opts = append(opts, sbom.WithTime(t))
	}
	if isTerminal(stderr) {
		opts = append(opts, sbom.WithProgress(func(stage string, done, total int) {
			fmt.Fprintf(stderr, "\rsbom: %s %d/%d ", stage, done, total)
			if done == total {
				fmt.Fprint(stderr, "\r\033[K")
			}
		}))
	}
	target := fs.Arg(0)
	st, err := os.Stat(target)
	if err != nil {
		return err
	}
	var doc *sbom.Document
	if st.IsDir() {
		doc, err = sbom.FromModule(ctx, target, opts...)
	} else {
		doc, err = sbom.FromBinaryFile(ctx, target, opts...)
	}
	if err != nil {
		return err
	}
	b, _, err := sbom.Marshal(doc, f)
	if err != nil {
		return err
	}
	return writeOut(*out, b, stdout)
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/):
// ok is false when it is unset or empty; a malformed value is an error.
// The library reads no environment: the command passes the time in.
func sourceDateEpoch() (t time.Time, ok bool, err error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Time{}, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 253402300799 {
		return time.Time{}, false, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds from 1970 to 9999", s)
	}
	return time.Unix(n, 0).UTC(), true, nil
}

// withEpochDefault gives a document without a creation time the time in
// SOURCE_DATE_EPOCH, if set, when it is written as SPDX (which requires a
// time; without one the library writes the Unix epoch).
func withEpochDefault(d *sbom.Document, f sbom.Format) error {
	if f.Family != sbom.SPDX || !d.Created.IsZero() {
		return nil
	}
	t, ok, err := sourceDateEpoch()
	if err != nil || !ok {
		return err
	}
	d.Created = t
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// writeOut writes to the file (all or nothing: a temporary file renamed
// into place) or to stdout. On any failure the temporary file is removed.
func writeOut(path string, b []byte, stdout io.Writer) (err error) {
	if path == "" || path == "-" {
		_, err := stdout.Write(b)
		return err
	}
	tmp, err := os.CreateTemp(dirOf(path), ".sbom-*")
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				tmp.Close()
			}
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(b); err != nil {
		return err
	}
	closed = true
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i+1]
	}
	return "."
}

func open(path string) (io.ReadCloser, error) {
	if path == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	return os.Open(path)
}

func decodeFile(path string) (*sbom.Document, error) {
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := sbom.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

func cmdValidate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("validate")
	ntia := fs.Bool("ntia", false, "also check the NTIA minimum elements")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: validate needs one FILE", errUsage)
	}
	f, err := open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := sbom.Validate(ctx, f, sbom.ValidateOptions{NTIA: *ntia})
	if rep != nil {
		for _, i := range rep.Issues {
			fmt.Fprintln(stdout, i)
		}
		if err == nil {
			fmt.Fprintf(stdout, "%s: valid %s\n", fs.Arg(0), rep.Format)
		}
	}
	return err
}

func cmdConvert(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("convert")
	to := fs.String("to", "", "target format")
	out := fs.String("o", "", "output file (default standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *to == "" {
		return fmt.Errorf("%w: convert needs -to and one FILE", errUsage)
	}
	f, err := sbom.ParseFormat(*to)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	d, err := decodeFile(fs.Arg(0))
	if err != nil {
		return err
	}
	if err := withEpochDefault(d, f); err != nil {
		return err
	}
	b, loss, err := sbom.Marshal(d, f)
	if err != nil {
		return err
	}
	if !loss.Empty() {
		fmt.Fprintf(stderr, "sbom: converting %s to %s lost:\n%s\n", d.Format, f, loss)
	}
	return writeOut(*out, b, stdout)
}

func cmdDiff(args []string, stdout io.Writer) error {
	fs := newFlags("diff")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("%w: diff needs two files", errUsage)
	}
	a, err := decodeFile(fs.Arg(0))
	if err != nil {
		return err
	}
	b, err := decodeFile(fs.Arg(1))
	if err != nil {
		return err
	}
	r := sbom.Diff(a, b)
	if r.Empty() {
		return nil
	}
	fmt.Fprint(stdout, r)
	return errDifferent{}
}

func cmdMerge(args []string, stdout io.Writer) error {
	fs := newFlags("merge")
	format := fs.String("format", "cyclonedx-json", "output format")
	out := fs.String("o", "", "output file (default standard output)")
	name := fs.String("name", "", "name of the merged document")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 2 {
		return fmt.Errorf("%w: merge needs at least two files", errUsage)
	}
	f, err := sbom.ParseFormat(*format)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	var docs []*sbom.Document
	for _, p := range fs.Args() {
		d, err := decodeFile(p)
		if err != nil {
			return err
		}
		docs = append(docs, d)
	}
	m, err := sbom.Merge(docs, sbom.MergeOptions{Name: *name})
	if err != nil {
		return err
	}
	if err := withEpochDefault(m, f); err != nil {
		return err
	}
	b, _, err := sbom.Marshal(m, f)
	if err != nil {
		return err
	}
	return writeOut(*out, b, stdout)
}
