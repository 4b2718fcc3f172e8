// Command scan checks an SBOM, a Go binary or a Go module against OSV
// vulnerability records offline, applies the VEX documents given, and
// reports what is left.
//
// Usage:
//
//	scan -db DIR|ZIP [-fetch URL [-fetch-sha256 HEX]] [-vex FILE]... [-product ID]...
//	     [-format text|json|sarif|attestation] [-fail-on SEVERITY] [-o FILE] SBOM|BINARY|DIR
//
// -db is a directory of OSV records (the Go vulnerability database's
// data/osv, its served layout, any tree of *.json records) or a zip of
// records as osv.dev publishes them; nothing is fetched unless -fetch
// names an https URL to update the zip from first (checked whole, and
// against -fetch-sha256, before it replaces the old one). The input is a
// Go binary (its modules from the build information, and whether the
// vulnerable functions are linked), an SBOM in any format the sbom
// package reads, or a Go module directory (its module graph). -vex names
// VEX documents you trust, OpenVEX or CycloneDX VEX (repeatable);
// -product the ids of the
// artifact they speak of (its package URL, an image reference). The
// report goes to standard output (or -o FILE) as text, json (the
// vuln.Report), sarif (SARIF 2.1.0) or attestation (an in-toto statement
// with the vulns v0.2 predicate about the input, to sign with
// examples/attest or sign.Sign).
//
// Exit status: 0 when no finding is at or above -fail-on (none, low,
// medium, high or critical; default low) and nothing was left unchecked,
// 1 when one is (a finding whose severity could not be computed counts as
// at or above every level), 2 for usage or errors.
package main

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/examples/internal/cli"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/sbom"
	"github.com/chainmail-dev/chainmail/vuln"
)

const prog = "scan"

func main() {
	os.Exit(run(os.Args[1:], time.Now))
}

func fail(code int, err error) int {
	fmt.Fprintln(os.Stderr, cli.Message(prog, err))
	return code
}

func run(args []string, now func() time.Time) int {
	var vexPaths, products cli.Strings
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	dbPath := fs.String("db", "", "OSV records: a `dir`ectory or a zip")
	fs.Var(&vexPaths, "vex", "trusted OpenVEX `file` (repeatable)")
	fs.Var(&products, "product", "`id` of the scanned artifact in VEX statements (repeatable)")
	format := fs.String("format", "text", "output `format`: text, json, sarif or attestation")
	failOn := fs.String("fail-on", "low", "exit 1 for a finding at or above this `severity`: none, low, medium, high, critical")
	outPath := fs.String("o", "", "write the report to `file` instead of standard output")
	fetchURL := fs.String("fetch", "", "first update the zip -db names from this https `url` (osv.dev's ECOSYSTEM/all.zip)")
	fetchSum := fs.String("fetch-sha256", "", "with -fetch, the `hex` SHA-256 the download must have")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: scan -db DIR|ZIP [-vex FILE]... [-product ID]... [-format text|json|sarif|attestation] [-fail-on SEVERITY] [-o FILE] SBOM|BINARY|DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cli.ExitUsage
	}
	if *dbPath == "" || fs.NArg() != 1 {
		fs.Usage()
		return cli.ExitUsage
	}
	threshold, ok := map[string]float64{"none": 0, "low": 0.1, "medium": 4, "high": 7, "critical": 9}[*failOn]
	if !ok {
		return fail(cli.ExitUsage, fmt.Errorf("-fail-on %q: want none, low, medium, high or critical", *failOn))
	}
	switch *format {
	case "text", "json", "sarif", "attestation":
	default:
		return fail(cli.ExitUsage, fmt.Errorf("-format %q: want text, json, sarif or attestation", *format))
	}
	opts := vuln.Options{Products: products}
	for _, p := range vexPaths {
		data, err := cli.ReadFile(p, limits.MaxSBOMBytes)
		if err != nil {
			return fail(cli.ExitUsage, err)
		}
		v, err := readVEX(p, data)
		if err != nil {
			return fail(cli.ExitUsage, err)
		}
		opts.TrustedVEX = append(opts.TrustedVEX, v)
	}
	started := now()
	if *fetchURL != "" {
		fdb, err := vuln.Fetch(context.Background(), *fetchURL, *dbPath, vuln.FetchOptions{SHA256: *fetchSum})
		if err != nil {
			return fail(cli.ExitUsage, err)
		}
		fdb.Close()
	}
	db, err := vuln.Open(*dbPath)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	defer db.Close()
	input := fs.Arg(0)
	rep, err := scan(db, input, opts)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	finished := now()
	var out bytes.Buffer
	switch *format {
	case "text":
		err = rep.WriteText(&out)
	case "json":
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	case "sarif":
		err = rep.WriteSARIF(&out, "")
	case "attestation":
		err = writeStatement(&out, input, rep.Predicate(vuln.PredicateOptions{StartedOn: started, FinishedOn: finished}))
	}
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	if *outPath != "" {
		err = cli.WriteFile(*outPath, out.Bytes(), 0o644)
	} else {
		_, err = os.Stdout.Write(out.Bytes())
	}
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	for _, f := range rep.Active() {
		if s, ok := f.Severity(); !ok || s >= threshold {
			return cli.ExitRejected
		}
	}
	if len(rep.Unchecked) > 0 {
		fmt.Fprintf(os.Stderr, "%s: %d packages could not be checked against a record (see the report)\n", prog, len(rep.Unchecked))
		return cli.ExitRejected
	}
	return 0
}

// readVEX reads an OpenVEX document, or a CycloneDX VEX (a BOM whose
// vulnerabilities carry an analysis) as the OpenVEX statements it makes,
// timestamped by the BOM's creation time.
func readVEX(path string, data []byte) (*attest.OpenVEX, error) {
	v, err := sbom.DecodeOpenVEX(bytes.NewReader(data))
	if err == nil {
		return v, nil
	}
	d, derr := sbom.Decode(bytes.NewReader(data))
	if derr != nil || d.Format.Family != sbom.CycloneDX || len(d.Vulnerabilities) == 0 {
		return nil, fmt.Errorf("%s: neither OpenVEX nor a CycloneDX VEX: %w", path, err)
	}
	id := d.Namespace
	if id == "" {
		id = path
	}
	return sbom.OpenVEXFromDocument(d, id, "CycloneDX VEX "+path, d.Created)
}

// scan reads the input as a Go binary, a module directory or an SBOM.
func scan(db *vuln.DB, input string, opts vuln.Options) (*vuln.Report, error) {
	fi, err := os.Stat(input)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		d, err := sbom.FromModule(context.Background(), input, sbom.WithLicenses(false))
		if err != nil {
			return nil, err
		}
		return db.ScanSBOM(d, opts)
	}
	if _, err := buildinfo.ReadFile(input); err == nil {
		return db.ScanBinary(input, opts)
	}
	f, err := os.Open(input)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := sbom.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: neither a Go binary nor an SBOM: %w", input, err)
	}
	return db.ScanSBOM(d, opts)
}

// writeStatement writes an in-toto statement about the input file (its
// SHA-256) with the vulns predicate.
func writeStatement(out *bytes.Buffer, input string, p *attest.Vulns) error {
	fi, err := os.Stat(input)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return errors.New("-format attestation needs a file to be about (an SBOM or a binary), not a directory")
	}
	d, err := digest.FromFile(input, digest.SHA256)
	if err != nil {
		return err
	}
	st, err := attest.NewStatement(attest.PredicateVulns, p, attest.Subject(fi.Name(), d))
	if err != nil {
		return err
	}
	b, err := st.Marshal()
	if err != nil {
		return err
	}
	out.Write(b)
	out.WriteByte('\n')
	return nil
}
