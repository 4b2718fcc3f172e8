// Package sbompolicy holds the policy rules for SBOM attestations
// (CycloneDX and SPDX): licenses allowed or denied, by SPDX expression,
// and banned components by package URL and version range.
//
//	rule := sbompolicy.Require(
//		sbompolicy.LicensesAllowed("MIT", "Apache-2.0", "BSD-3-Clause"),
//		sbompolicy.Banned("pkg:golang/github.com/example/leftpad", "<1.2.0"),
//	)
//
// Require applies the rules to every SBOM attestation of the evidence
// (there must be one). Each document is decoded once per evidence, by
// package sbom's strict decoder, from the verified statement. License
// expressions are evaluated, not matched as strings: "MIT OR GPL-3.0-only"
// is allowed by an allow list holding MIT, "MIT AND GPL-3.0-only" is not.
// A component whose license is unknown fails an allow list unless
// UnknownLicensesPass is given; a version that is not semantic errs a ban
// with a range, since it cannot be shown to be outside it.
package sbompolicy

import (
	"fmt"
	"strings"

	"golang.org/x/mod/semver"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/sbom"
)

// Types are the predicate types Require reads.
var Types = []string{attest.PredicateCycloneDX, attest.PredicateSPDX}

// Require passes when the evidence holds an SBOM attestation and every
// one passes every rule.
func Require(rules ...policy.Rule[sbom.Document]) policy.Rule[policy.Evidence] {
	return policy.RequireTypes(Types, Document(policy.All(rules...)))
}

type docKey struct{}

// Document applies rule to the SBOM document of an attestation, decoded
// once per item. A predicate that is not a readable SBOM errs.
func Document(rule policy.Rule[sbom.Document]) policy.Rule[policy.Item] {
	return &document{rule: rule}
}

type document struct{ rule policy.Rule[sbom.Document] }

func (r *document) Validate() error {
	if r.rule == nil {
		return fmt.Errorf("%w: sbompolicy.Document: nil rule", policy.ErrInvalidPolicy)
	}
	return r.rule.Validate()
}

func decode(it *policy.Item) (*sbom.Document, error) {
	v, err := it.Cached(docKey{}, func() (any, error) {
		if it.Statement == nil {
			return nil, fmt.Errorf("%w: a message signature has no SBOM", policy.ErrPredicate)
		}
		d, err := sbom.FromStatement(it.Statement)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", policy.ErrPredicate, err)
		}
		return d, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*sbom.Document), nil
}

func (r *document) Eval(c *policy.Context, it *policy.Item) policy.Outcome {
	d, err := decode(it)
	if err != nil {
		return policy.Error
	}
	return r.rule.Eval(c, d)
}

func (r *document) Explain(c *policy.Context, it *policy.Item) policy.Finding {
	d, err := decode(it)
	if err != nil {
		return policy.Finding{Rule: "sbom", Outcome: policy.Error, Path: "predicate", Error: err.Error()}
	}
	return r.rule.Explain(c, d)
}

// LicenseOption configures LicensesAllowed.
type LicenseOption func(*licenseRule)

// UnknownLicensesPass lets components without a license, or with one
// that is not an SPDX expression and not listed by name, pass an allow
// list.
func UnknownLicensesPass() LicenseOption { return func(r *licenseRule) { r.unknownOK = true } }

type licenseRule struct {
	set       map[string]bool
	deny      bool
	unknownOK bool
}

// canonical spells a license as the SPDX license list does.
func canonical(id string) string {
	id = strings.TrimSpace(id)
	if e, err := sbom.ParseLicenseExpression(id); err == nil && e.Op == "" {
		return e.String()
	}
	return id
}

// verdict returns "" when c's licenses pass, and else why not.
func (r *licenseRule) verdict(c *sbom.Component) string {
	if len(c.Licenses) == 0 {
		if r.deny || r.unknownOK {
			return ""
		}
		return "no license"
	}
	// Every license entry of a component applies to it.
	for _, l := range c.Licenses {
		e, err := sbom.ParseLicenseExpression(l.Expression)
		if err != nil {
			name := l.String()
			switch {
			case r.deny && r.set[name]:
				return fmt.Sprintf("license %q is denied", name)
			case r.deny, r.set[name], r.unknownOK:
				continue
			}
			return fmt.Sprintf("license %q is not an SPDX expression on the list", truncate(name))
		}
		ok := e.Satisfiable(func(lic string) bool { return r.set[lic] != r.deny })
		if !ok {
			if r.deny {
				return fmt.Sprintf("%q needs a denied license", e.String())
			}
			return fmt.Sprintf("%q is not satisfiable with the allowed licenses", e.String())
		}
	}
	return ""
}

func newLicenseRule(id string, deny bool, ids []string, opts []LicenseOption) policy.Rule[sbom.Document] {
	lr := &licenseRule{set: map[string]bool{}, deny: deny}
	for _, o := range opts {
		o(lr)
	}
	r := &policy.Leaf[sbom.Document]{ID: id, Path: "predicate.components[].licenses", Kind: ErrLicense}
	for _, x := range ids {
		if strings.TrimSpace(x) == "" {
			r.Invalid = fmt.Errorf("%w: %s: empty license", policy.ErrInvalidPolicy, id)
		}
		lr.set[canonical(x)] = true
	}
	if len(ids) == 0 {
		r.Invalid = fmt.Errorf("%w: %s with no licenses (an empty list is never a wildcard)", policy.ErrInvalidPolicy, id)
	}
	list := strings.Join(ids, ", ")
	if deny {
		r.Want = "no component that needs " + list
	} else {
		r.Want = "every component under " + list
	}
	r.Test = func(_ *policy.Context, d *sbom.Document) (bool, error) {
		for _, c := range d.Components {
			if lr.verdict(c) != "" {
				return false, nil
			}
		}
		return true, nil
	}
	r.Got = func(d *sbom.Document) string {
		return offenders(d, lr.verdict)
	}
	return r
}

// offenders lists the components that fail, with why, at most ten.
func offenders(d *sbom.Document, why func(*sbom.Component) string) string {
	var out []string
	n := 0
	for _, c := range d.Components {
		if w := why(c); w != "" {
			n++
			if len(out) < 10 {
				out = append(out, fmt.Sprintf("%s: %s", componentName(c), w))
			}
		}
	}
	if n > len(out) {
		out = append(out, fmt.Sprintf("and %d more", n-len(out)))
	}
	return strings.Join(out, "; ")
}

func componentName(c *sbom.Component) string {
	if c.PURL != "" {
		return truncate(c.PURL)
	}
	if c.Version != "" {
		return truncate(c.Name + "@" + c.Version)
	}
	return truncate(c.Name)
}

func truncate(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// ErrLicense: a component's license is not allowed.
var ErrLicense = fmt.Errorf("%w: license not allowed", policy.ErrRule)

// ErrBanned: the SBOM lists a banned component.
var ErrBanned = fmt.Errorf("%w: banned component", policy.ErrRule)

// LicensesAllowed passes when every component's licenses can be complied
// with using only the licenses listed (SPDX identifiers, compared in the
// SPDX list's spelling, or license names for licenses without one).
func LicensesAllowed(ids ...string) policy.Rule[sbom.Document] {
	return newLicenseRule("sbom.licenses-allowed", false, ids, nil)
}

// LicensesAllowedWith is LicensesAllowed with options.
func LicensesAllowedWith(ids []string, opts ...LicenseOption) policy.Rule[sbom.Document] {
	return newLicenseRule("sbom.licenses-allowed", false, ids, opts)
}

// LicensesDenied passes when no component's licenses need one of the
// licenses listed: "MIT OR GPL-3.0-only" passes a denial of GPL-3.0-only
// (MIT can be chosen), "MIT AND GPL-3.0-only" does not. Components
// without a license pass.
func LicensesDenied(ids ...string) policy.Rule[sbom.Document] {
	return newLicenseRule("sbom.licenses-denied", true, ids, nil)
}

// Banned fails when the SBOM lists a component with the package URL's
// type, namespace and name (compared exactly, after parsing; version and
// qualifiers of purl are ignored) whose version is in versions: "*" for
// every version, or space- or comma-separated constraints that must all
// hold, each an operator (<, <=, >, >=, =, !=) and a semantic version
// ("v" optional): ">=1.0.0 <1.2.3". A version that is not semantic errs,
// since it cannot be shown to be outside the range.
func Banned(purl, versions string) policy.Rule[sbom.Document] {
	r := &policy.Leaf[sbom.Document]{ID: "sbom.banned", Path: "predicate.components[].purl", Kind: ErrBanned,
		Want: fmt.Sprintf("no %s at %s", truncate(purl), versions)}
	want, err := sbom.ParsePURL(purl)
	if err != nil {
		r.Invalid = fmt.Errorf("%w: sbompolicy.Banned: %w", policy.ErrInvalidPolicy, err)
	}
	rng, err := parseRange(versions)
	if err != nil && r.Invalid == nil {
		r.Invalid = fmt.Errorf("%w: sbompolicy.Banned: %w", policy.ErrInvalidPolicy, err)
	}
	check := func(c *sbom.Component) (string, error) {
		if c.PURL == "" {
			return "", nil
		}
		p, err := sbom.ParsePURL(c.PURL)
		if err != nil || p.Type != want.Type || p.Namespace != want.Namespace || p.Name != want.Name {
			return "", nil
		}
		v := p.Version
		if v == "" {
			v = c.Version
		}
		in, err := rng.contains(v)
		if err != nil {
			return "", fmt.Errorf("%s: %w", componentName(c), err)
		}
		if in {
			return "banned version " + v, nil
		}
		return "", nil
	}
	r.Test = func(_ *policy.Context, d *sbom.Document) (bool, error) {
		for _, c := range d.Components {
			why, err := check(c)
			if err != nil {
				return false, err
			}
			if why != "" {
				return false, nil
			}
		}
		return true, nil
	}
	r.Got = func(d *sbom.Document) string {
		return offenders(d, func(c *sbom.Component) string {
			why, err := check(c)
			if err != nil {
				return err.Error()
			}
			return why
		})
	}
	return r
}

type constraint struct{ op, version string }

type versionRange struct {
	any         bool
	constraints []constraint
}

func parseRange(s string) (versionRange, error) {
	s = strings.TrimSpace(s)
	if s == "*" {
		return versionRange{any: true}, nil
	}
	var r versionRange
	for _, f := range strings.FieldsFunc(s, func(c rune) bool { return c == ' ' || c == ',' }) {
		op := ""
		for _, o := range []string{"<=", ">=", "!=", "<", ">", "="} {
			if strings.HasPrefix(f, o) {
				op = o
				break
			}
		}
		if op == "" {
			return r, fmt.Errorf("version constraint %q has no operator (<, <=, >, >=, =, !=)", truncate(f))
		}
		v := semverOf(strings.TrimPrefix(f, op))
		if v == "" {
			return r, fmt.Errorf("version %q in %q is not a semantic version", truncate(strings.TrimPrefix(f, op)), truncate(f))
		}
		r.constraints = append(r.constraints, constraint{op, v})
	}
	if len(r.constraints) == 0 {
		return r, fmt.Errorf("empty version range (write * for every version)")
	}
	return r, nil
}

// semverOf returns v as golang.org/x/mod/semver reads it, or "".
func semverOf(v string) string {
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	if !semver.IsValid(v) {
		return ""
	}
	return v
}

func (r versionRange) contains(version string) (bool, error) {
	if r.any {
		return true, nil
	}
	v := semverOf(version)
	if v == "" {
		return false, fmt.Errorf("version %q is not semantic; it cannot be compared with the banned range", truncate(version))
	}
	for _, c := range r.constraints {
		cmp := semver.Compare(v, c.version)
		ok := false
		switch c.op {
		case "<":
			ok = cmp < 0
		case "<=":
			ok = cmp <= 0
		case ">":
			ok = cmp > 0
		case ">=":
			ok = cmp >= 0
		case "=":
			ok = cmp == 0
		case "!=":
			ok = cmp != 0
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}
