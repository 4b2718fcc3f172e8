package policyfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/sbompolicy"
	"github.com/chainmail-dev/chainmail/policy/slsa"
	"github.com/chainmail-dev/chainmail/sbom"
	"github.com/chainmail-dev/chainmail/verify"
)

// APIVersion is the apiVersion of the file form this package reads.
const APIVersion = "chainmail.dev/policy/v1"

// Limits of a policy file.
const (
	// MaxFileBytes bounds a policy file.
	MaxFileBytes = 1 << 20
	// MaxNodes bounds the YAML nodes of a policy file.
	MaxNodes = 20000
	// MaxDepth bounds the nesting of a policy file.
	MaxDepth = 64
)

// Error is a load-time error: what is wrong, and where in the file. It
// matches policy.ErrInvalidPolicy.
type Error struct {
	// Line and Column locate the node (1-based; 0 when unknown).
	Line, Column int
	// Path is the node's path, e.g. "rule.all[1].require.predicateType".
	Path string
	// Msg says what is wrong.
	Msg string
}

// Error reads "policy file line L:C (path): msg".
func (e *Error) Error() string {
	loc := "policy file"
	if e.Line > 0 {
		loc += fmt.Sprintf(" line %d:%d", e.Line, e.Column)
	}
	if e.Path != "" {
		loc += " (" + e.Path + ")"
	}
	return loc + ": " + e.Msg
}

// Unwrap returns policy.ErrInvalidPolicy.
func (e *Error) Unwrap() error { return policy.ErrInvalidPolicy }

// Options configure Parse.
type Options struct {
	// MinVersion, when not zero, is the lowest policy version accepted:
	// the version of the last policy the caller applied, so that an
	// older, validly signed policy cannot be replayed (SECURITY.md C91).
	MinVersion int
	// CELCostLimit bounds the cost of each CEL evaluation
	// (DefaultCELCostLimit when zero).
	CELCostLimit uint64
	// Predicates decodes the predicate types of your own for CEL's type
	// checking (attest.DefaultPredicates when nil); it must be the
	// registry the evidence was made with.
	Predicates *attest.Predicates
}

// ErrReplay: the policy's version is below Options.MinVersion.
var ErrReplay = errors.New("policyfile: policy version replayed")

// File is a loaded policy file.
type File struct {
	// Policy is the policy the file describes.
	Policy *policy.Policy
	// Name and Version are the file's.
	Name    string
	Version int
	// Digest is the SHA-256 of the file's bytes, which a VSA's policy
	// field names.
	Digest digest.Digest
}

// Parse loads a policy file (YAML, or JSON, which is YAML too) into the
// same typed rules a Go program builds. Unknown fields, wrong types,
// unknown rule names, empty constraints and CEL expressions that do not
// type-check are errors with their line and column (*Error). YAML
// anchors and aliases are refused, as are files over MaxFileBytes,
// MaxNodes or MaxDepth.
func Parse(data []byte, opts Options) (*File, error) {
	if len(data) > MaxFileBytes {
		return nil, &Error{Msg: fmt.Sprintf("%d bytes, limit %d", len(data), MaxFileBytes)}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{Msg: "empty policy file"}
		}
		return nil, &Error{Msg: yamlMsg(err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{Line: extra.Line, Column: extra.Column, Msg: "more than one document"}
	}
	if err := checkTree(&doc); err != nil {
		return nil, err
	}
	l := &loader{opts: opts}
	if l.opts.CELCostLimit == 0 {
		l.opts.CELCostLimit = DefaultCELCostLimit
	}
	if l.opts.Predicates == nil {
		l.opts.Predicates = attest.DefaultPredicates()
	}
	f, err := l.file(doc.Content[0])
	if err != nil {
		return nil, err
	}
	d, _ := digest.FromBytes(data, digest.SHA256) // hashing bytes in memory cannot fail
	f.Digest = d
	return f, nil
}

func yamlMsg(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// checkTree refuses aliases and bounds the node count and depth.
func checkTree(doc *yaml.Node) error {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return &Error{Msg: "empty policy file"}
	}
	type entry struct {
		n     *yaml.Node
		depth int
	}
	stack := []entry{{doc, 0}}
	count := 0
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		count++
		switch {
		case count > MaxNodes:
			return &Error{Line: e.n.Line, Column: e.n.Column, Msg: fmt.Sprintf("more than %d nodes", MaxNodes)}
		case e.depth > MaxDepth:
			return &Error{Line: e.n.Line, Column: e.n.Column, Msg: fmt.Sprintf("nested deeper than %d", MaxDepth)}
		case e.n.Kind == yaml.AliasNode || e.n.Anchor != "":
			return &Error{Line: e.n.Line, Column: e.n.Column, Msg: "YAML anchors and aliases are not allowed"}
		}
		for _, c := range e.n.Content {
			stack = append(stack, entry{c, e.depth + 1})
		}
	}
	return nil
}

type loader struct {
	opts Options
}

// node is a YAML node with its path, for errors.
type node struct {
	n    *yaml.Node
	path string
}

func (n node) errorf(format string, args ...any) error {
	return &Error{Line: n.n.Line, Column: n.n.Column, Path: n.path, Msg: fmt.Sprintf(format, args...)}
}

func (n node) child(key string, c *yaml.Node) node {
	if n.path == "" {
		return node{c, key}
	}
	return node{c, n.path + "." + key}
}

func (n node) index(i int) node {
	return node{n.n.Content[i], n.path + "[" + strconv.Itoa(i) + "]"}
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a scalar"
	}
	return "another kind of node"
}

// fields reads a mapping whose keys must be among allowed; required
// keys must be present.
func (n node) fields(allowed []string, required ...string) (map[string]node, error) {
	if n.n.Kind != yaml.MappingNode {
		return nil, n.errorf("want a mapping, got %s", kindName(n.n.Kind))
	}
	out := map[string]node{}
	for i := 0; i+1 < len(n.n.Content); i += 2 {
		k, v := n.n.Content[i], n.n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, node{k, n.path}.errorf("a key must be a string")
		}
		ok := false
		for _, a := range allowed {
			if k.Value == a {
				ok = true
			}
		}
		if !ok {
			return nil, node{k, n.path}.errorf("unknown field %q (known: %s)", truncate(k.Value), strings.Join(allowed, ", "))
		}
		if _, dup := out[k.Value]; dup {
			return nil, node{k, n.path}.errorf("field %q given twice", k.Value)
		}
		out[k.Value] = n.child(k.Value, v)
	}
	for _, r := range required {
		if _, ok := out[r]; !ok {
			return nil, n.errorf("missing field %q", r)
		}
	}
	return out, nil
}

func (n node) str() (string, error) {
	if n.n.Kind != yaml.ScalarNode || n.n.Tag != "!!str" {
		return "", n.errorf("want a string, got %s", describe(n.n))
	}
	if n.n.Value == "" {
		return "", n.errorf("empty string (an empty constraint is never a wildcard)")
	}
	return n.n.Value, nil
}

func (n node) integer() (int, error) {
	if n.n.Kind != yaml.ScalarNode || n.n.Tag != "!!int" {
		return 0, n.errorf("want an integer, got %s", describe(n.n))
	}
	i, err := strconv.Atoi(n.n.Value)
	if err != nil {
		return 0, n.errorf("want an integer: %v", err)
	}
	return i, nil
}

func (n node) boolean() (bool, error) {
	if n.n.Kind != yaml.ScalarNode || n.n.Tag != "!!bool" {
		return false, n.errorf("want true or false, got %s", describe(n.n))
	}
	return n.n.Value == "true", nil
}

func (n node) list() ([]node, error) {
	if n.n.Kind != yaml.SequenceNode {
		return nil, n.errorf("want a list, got %s", describe(n.n))
	}
	if len(n.n.Content) == 0 {
		return nil, n.errorf("empty list (an empty constraint is never a wildcard)")
	}
	out := make([]node, len(n.n.Content))
	for i := range n.n.Content {
		out[i] = n.index(i)
	}
	return out, nil
}

func (n node) strs() ([]string, error) {
	items, err := n.list()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(items))
	for i, it := range items {
		if out[i], err = it.str(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (n node) timestamp() (time.Time, error) {
	s := n.n.Value
	if n.n.Kind != yaml.ScalarNode || (n.n.Tag != "!!str" && n.n.Tag != "!!timestamp") {
		return time.Time{}, n.errorf("want an RFC 3339 time, got %s", describe(n.n))
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, n.errorf("want an RFC 3339 time: %v", err)
	}
	return t, nil
}

func (n node) duration() (time.Duration, error) {
	s, err := n.str()
	if err != nil {
		return 0, err
	}
	d, err := parseDuration(s)
	if err != nil {
		return 0, n.errorf("%v", err)
	}
	return d, nil
}

// parseDuration reads Go durations and a days suffix ("30d").
func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 100000 {
			return 0, fmt.Errorf("want a duration such as 720h or 30d, got %q", truncate(s))
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("want a positive duration such as 720h or 30d, got %q", truncate(s))
	}
	return d, nil
}

func describe(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return kindName(n.Kind)
	}
	switch n.Tag {
	case "!!str":
		return fmt.Sprintf("the string %q", truncate(n.Value))
	case "!!null":
		return "null"
	}
	return fmt.Sprintf("%s %s", strings.TrimPrefix(n.Tag, "!!"), truncate(n.Value))
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// op reads a rule node: a mapping with exactly one key, the rule's name.
func (n node) op() (string, node, error) {
	if n.n.Kind != yaml.MappingNode {
		return "", node{}, n.errorf("want a rule (a mapping of one rule name), got %s", describe(n.n))
	}
	if len(n.n.Content) != 2 {
		return "", node{}, n.errorf("a rule is a mapping with one key, the rule's name; got %d keys", len(n.n.Content)/2)
	}
	k := n.n.Content[0]
	if k.Kind != yaml.ScalarNode {
		return "", node{}, n.errorf("a rule name must be a string")
	}
	return k.Value, n.child(k.Value, n.n.Content[1]), nil
}

func (l *loader) file(root *yaml.Node) (*File, error) {
	n := node{n: root}
	fs, err := n.fields([]string{"apiVersion", "name", "version", "expires", "allowEmptyEvidence", "rule"}, "apiVersion", "name", "rule")
	if err != nil {
		return nil, err
	}
	av, err := fs["apiVersion"].str()
	if err != nil {
		return nil, err
	}
	if av != APIVersion {
		return nil, fs["apiVersion"].errorf("apiVersion %q, want %q", truncate(av), APIVersion)
	}
	f := &File{}
	if f.Name, err = fs["name"].str(); err != nil {
		return nil, err
	}
	var popts []policy.Option
	if v, ok := fs["version"]; ok {
		if f.Version, err = v.integer(); err != nil {
			return nil, err
		}
		if f.Version < 1 {
			return nil, v.errorf("version %d, want 1 or more", f.Version)
		}
		popts = append(popts, policy.WithVersion(strconv.Itoa(f.Version)))
	}
	if l.opts.MinVersion > 0 && f.Version < l.opts.MinVersion {
		return nil, fmt.Errorf("%w: policy %q version %d is older than version %d, the last one applied", ErrReplay, truncate(f.Name), f.Version, l.opts.MinVersion)
	}
	if e, ok := fs["expires"]; ok {
		t, err := e.timestamp()
		if err != nil {
			return nil, err
		}
		popts = append(popts, policy.ExpiresAt(t))
	}
	if a, ok := fs["allowEmptyEvidence"]; ok {
		b, err := a.boolean()
		if err != nil {
			return nil, err
		}
		if b {
			popts = append(popts, policy.AllowEmptyEvidence())
		}
	}
	rule, err := l.evidenceRule(fs["rule"])
	if err != nil {
		return nil, err
	}
	p, err := policy.New(f.Name, rule, popts...)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	f.Policy = p
	return f, nil
}

// combinator reads the combinators shared by every level of rule; leaf
// reads the level's own rules. It returns handled=false for a name that
// is not a combinator.
func combinator[T any](name string, arg node, leaf func(node) (policy.Rule[T], error)) (policy.Rule[T], bool, error) {
	rules := func(n node) ([]policy.Rule[T], error) {
		items, err := n.list()
		if err != nil {
			return nil, err
		}
		out := make([]policy.Rule[T], len(items))
		for i, it := range items {
			if out[i], err = leaf(it); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	switch name {
	case "all", "any":
		rs, err := rules(arg)
		if err != nil {
			return nil, true, err
		}
		if name == "all" {
			return policy.All(rs...), true, nil
		}
		return policy.Any(rs...), true, nil
	case "not":
		r, err := leaf(arg)
		return policy.Not(r), true, err
	case "atLeast":
		fs, err := arg.fields([]string{"n", "rules"}, "n", "rules")
		if err != nil {
			return nil, true, err
		}
		k, err := fs["n"].integer()
		if err != nil {
			return nil, true, err
		}
		rs, err := rules(fs["rules"])
		if err != nil {
			return nil, true, err
		}
		if k < 1 || k > len(rs) {
			return nil, true, fs["n"].errorf("at least %d of %d rules", k, len(rs))
		}
		return policy.AtLeast(k, rs...), true, nil
	case "when":
		fs, err := arg.fields([]string{"if", "then"}, "if", "then")
		if err != nil {
			return nil, true, err
		}
		cond, err := leaf(fs["if"])
		if err != nil {
			return nil, true, err
		}
		then, err := leaf(fs["then"])
		return policy.When(cond, then), true, err
	case "named":
		fs, err := arg.fields([]string{"id", "message", "remediation", "severity", "expires", "rule"}, "id", "message", "rule")
		if err != nil {
			return nil, true, err
		}
		id, err := fs["id"].str()
		if err != nil {
			return nil, true, err
		}
		msg, err := fs["message"].str()
		if err != nil {
			return nil, true, err
		}
		inner, err := leaf(fs["rule"])
		if err != nil {
			return nil, true, err
		}
		r := policy.Named(id, msg, inner)
		if rem, ok := fs["remediation"]; ok {
			s, err := rem.str()
			if err != nil {
				return nil, true, err
			}
			r.Remediate(s)
		}
		if sev, ok := fs["severity"]; ok {
			s, err := sev.str()
			if err != nil {
				return nil, true, err
			}
			switch s {
			case "warn":
				r.Warn()
			case "enforce":
			default:
				return nil, true, sev.errorf("severity %q, want enforce or warn", truncate(s))
			}
		}
		if e, ok := fs["expires"]; ok {
			t, err := e.timestamp()
			if err != nil {
				return nil, true, err
			}
			r.Expires(t)
		}
		return r, true, nil
	}
	return nil, false, nil
}

// checked validates a rule built from n, so that its configuration
// error points at n.
func checked[T any](n node, r policy.Rule[T]) (policy.Rule[T], error) {
	if err := r.Validate(); err != nil {
		return nil, n.errorf("%v", strings.TrimPrefix(err.Error(), policy.ErrInvalidPolicy.Error()+": "))
	}
	return r, nil
}

func (l *loader) evidenceRule(n node) (policy.Rule[policy.Evidence], error) {
	name, arg, err := n.op()
	if err != nil {
		return nil, err
	}
	if r, ok, err := combinator(name, arg, l.evidenceRule); ok {
		return r, err
	}
	switch name {
	case "require", "requireAny":
		fs, err := arg.fields([]string{"predicateType", "rule"}, "predicateType", "rule")
		if err != nil {
			return nil, err
		}
		pt, err := fs["predicateType"].str()
		if err != nil {
			return nil, err
		}
		item, err := l.itemRule(fs["rule"], pt)
		if err != nil {
			return nil, err
		}
		if name == "require" {
			return checked(n, policy.Require(pt, item))
		}
		return checked(n, policy.RequireAny(pt, item))
	case "slsa":
		rules, err := l.itemRules(arg, attest.PredicateSLSAProvenanceV1)
		if err != nil {
			return nil, err
		}
		return checked(n, slsa.Require(rules...))
	case "distinctSigners":
		fs, err := arg.fields([]string{"n", "predicateType", "signers"}, "n", "predicateType", "signers")
		if err != nil {
			return nil, err
		}
		k, err := fs["n"].integer()
		if err != nil {
			return nil, err
		}
		pt, err := fs["predicateType"].str()
		if err != nil {
			return nil, err
		}
		ms, err := signers(fs["signers"])
		if err != nil {
			return nil, err
		}
		return checked(n, policy.DistinctSigners(k, pt, ms...))
	case "artifactIn":
		ss, err := arg.strs()
		if err != nil {
			return nil, err
		}
		ds := make([]digest.Digest, len(ss))
		for i, s := range ss {
			if ds[i], err = digest.Parse(s); err != nil {
				return nil, arg.index(i).errorf("%v", err)
			}
		}
		return checked(n, policy.ArtifactIn(ds...))
	case "vulns":
		return l.vulns(n, arg)
	case "sbom":
		items, err := arg.list()
		if err != nil {
			return nil, err
		}
		rules := make([]policy.Rule[sbom.Document], len(items))
		for i, it := range items {
			if rules[i], err = sbomRule(it); err != nil {
				return nil, err
			}
		}
		return checked(n, sbompolicy.Require(rules...))
	}
	return nil, n.errorf("unknown rule %q (evidence rules: all, any, not, atLeast, when, named, require, requireAny, slsa, sbom, distinctSigners, artifactIn, vulns)", truncate(name))
}

// sbomRule reads a rule on an SBOM document.
func sbomRule(n node) (policy.Rule[sbom.Document], error) {
	name, arg, err := n.op()
	if err != nil {
		return nil, err
	}
	if r, ok, err := combinator(name, arg, sbomRule); ok {
		return r, err
	}
	switch name {
	case "licensesAllowed", "licensesDenied":
		fs, err := arg.fields([]string{"licenses", "unknownLicensesPass"}, "licenses")
		if err != nil {
			return nil, err
		}
		ids, err := fs["licenses"].strs()
		if err != nil {
			return nil, err
		}
		if name == "licensesDenied" {
			if _, ok := fs["unknownLicensesPass"]; ok {
				return nil, fs["unknownLicensesPass"].errorf("unknownLicensesPass is for licensesAllowed")
			}
			return checked(n, sbompolicy.LicensesDenied(ids...))
		}
		var opts []sbompolicy.LicenseOption
		if u, ok := fs["unknownLicensesPass"]; ok {
			if err := isTrue(u); err != nil {
				return nil, err
			}
			opts = append(opts, sbompolicy.UnknownLicensesPass())
		}
		return checked(n, sbompolicy.LicensesAllowedWith(ids, opts...))
	case "banned":
		fs, err := arg.fields([]string{"purl", "versions"}, "purl", "versions")
		if err != nil {
			return nil, err
		}
		purl, err := fs["purl"].str()
		if err != nil {
			return nil, err
		}
		versions, err := fs["versions"].str()
		if err != nil {
			return nil, err
		}
		return checked(n, sbompolicy.Banned(purl, versions))
	}
	return nil, n.errorf("unknown rule %q (SBOM rules: all, any, not, atLeast, when, named, licensesAllowed, licensesDenied, banned)", truncate(name))
}

func (l *loader) vulns(n, arg node) (policy.Rule[policy.Evidence], error) {
	fs, err := arg.fields([]string{"atOrAbove", "afterVex", "vexSigners", "products"}, "atOrAbove")
	if err != nil {
		return nil, err
	}
	s, err := fs["atOrAbove"].str()
	if err != nil {
		return nil, err
	}
	levels := map[string]policy.Level{"low": policy.LevelLow, "medium": policy.LevelMedium, "high": policy.LevelHigh, "critical": policy.LevelCritical}
	level, ok := levels[s]
	if !ok {
		return nil, fs["atOrAbove"].errorf("level %q, want low, medium, high or critical", truncate(s))
	}
	var opts []policy.VulnOption
	if a, ok := fs["afterVex"]; ok {
		b, err := a.boolean()
		if err != nil {
			return nil, err
		}
		if b {
			opts = append(opts, policy.AfterVEX())
		}
	}
	if v, ok := fs["vexSigners"]; ok {
		ms, err := signers(v)
		if err != nil {
			return nil, err
		}
		opts = append(opts, policy.AfterVEXFrom(ms...))
	}
	if p, ok := fs["products"]; ok {
		ids, err := p.strs()
		if err != nil {
			return nil, err
		}
		opts = append(opts, policy.ForProducts(ids...))
	}
	return checked(n, policy.NoVulnsAtOrAbove(level, opts...))
}

// itemRules reads a list of item rules.
func (l *loader) itemRules(n node, predicateType string) ([]policy.Rule[policy.Item], error) {
	items, err := n.list()
	if err != nil {
		return nil, err
	}
	out := make([]policy.Rule[policy.Item], len(items))
	for i, it := range items {
		if out[i], err = l.itemRule(it, predicateType); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// itemRule reads a rule on one attestation of predicateType.
func (l *loader) itemRule(n node, predicateType string) (policy.Rule[policy.Item], error) {
	name, arg, err := n.op()
	if err != nil {
		return nil, err
	}
	sub := func(m node) (policy.Rule[policy.Item], error) { return l.itemRule(m, predicateType) }
	if r, ok, err := combinator(name, arg, sub); ok {
		return r, err
	}
	str := func() (string, error) { return arg.str() }
	switch name {
	case "signedBy":
		ms, err := signers(arg)
		if err != nil {
			return nil, err
		}
		return checked(n, policy.SignedBy(ms...))
	case "freshWithin":
		d, err := arg.duration()
		if err != nil {
			return nil, err
		}
		return checked(n, policy.FreshWithin(d))
	case "subjectName":
		s, err := str()
		if err != nil {
			return nil, err
		}
		return checked(n, policy.SubjectName(s))
	case "testsPassed":
		if err := isTrue(arg); err != nil {
			return nil, err
		}
		return checked(n, policy.Predicate(policy.TestsPassed()))
	case "cel":
		s, err := str()
		if err != nil {
			return nil, err
		}
		return l.cel(arg, s, predicateType)
	case "builderId", "buildType", "sourceRepo", "ref", "refRegexp":
		s, err := str()
		if err != nil {
			return nil, err
		}
		switch name {
		case "builderId":
			return checked(n, slsa.BuilderID(s))
		case "buildType":
			return checked(n, slsa.BuildType(s))
		case "sourceRepo":
			return checked(n, slsa.SourceRepo(s))
		case "ref":
			return checked(n, slsa.Ref(verify.Exactly(s)))
		}
		m, err := verify.MatchingRegexp(s)
		if err != nil {
			return nil, arg.errorf("%v", err)
		}
		return checked(n, slsa.Ref(m))
	case "semverTag", "sourceMatchesCertificate":
		if err := isTrue(arg); err != nil {
			return nil, err
		}
		if name == "semverTag" {
			return slsa.SemverTag(), nil
		}
		return slsa.SourceMatchesCertificate(), nil
	case "buildLevel":
		return l.buildLevel(n, arg)
	case "vsaPassed":
		fs, err := arg.fields([]string{"verifierId", "levels"}, "verifierId")
		if err != nil {
			return nil, err
		}
		id, err := fs["verifierId"].str()
		if err != nil {
			return nil, err
		}
		var levels []string
		if lv, ok := fs["levels"]; ok {
			if levels, err = lv.strs(); err != nil {
				return nil, err
			}
		}
		return checked(n, policy.Predicate(policy.VSAPassed(id, levels...)))
	}
	return nil, n.errorf("unknown rule %q (attestation rules: all, any, not, atLeast, when, named, signedBy, freshWithin, subjectName, testsPassed, vsaPassed, cel, builderId, buildType, sourceRepo, ref, refRegexp, semverTag, sourceMatchesCertificate, buildLevel)", truncate(name))
}

// isTrue checks a rule argument that may only be true (a rule without
// parameters, written "semverTag: true").
func isTrue(n node) error {
	b, err := n.boolean()
	if err != nil {
		return err
	}
	if !b {
		return n.errorf("false: leave the rule out instead")
	}
	return nil
}

func (l *loader) buildLevel(n, arg node) (policy.Rule[policy.Item], error) {
	fs, err := arg.fields([]string{"level", "builders", "defaultBuilders"}, "level")
	if err != nil {
		return nil, err
	}
	level, err := fs["level"].integer()
	if err != nil {
		return nil, err
	}
	reg := slsa.Builders{}
	if d, ok := fs["defaultBuilders"]; ok {
		b, err := d.boolean()
		if err != nil {
			return nil, err
		}
		if b {
			reg = slsa.DefaultBuilders()
		}
	}
	if b, ok := fs["builders"]; ok {
		if b.n.Kind != yaml.MappingNode || len(b.n.Content) == 0 {
			return nil, b.errorf("want a mapping of builder ids to levels")
		}
		for i := 0; i+1 < len(b.n.Content); i += 2 {
			id := b.child(b.n.Content[i].Value, b.n.Content[i])
			idv, err := id.str()
			if err != nil {
				return nil, err
			}
			lv, err := b.child(idv, b.n.Content[i+1]).integer()
			if err != nil {
				return nil, err
			}
			reg[idv] = lv
		}
	}
	return checked(n, slsa.BuildLevel(level, reg))
}

// signers reads a list of signer matches: {key: ID} or
// {identity: {san|sanRegexp, issuer|issuerRegexp, claims}}.
func signers(n node) ([]policy.SignerMatch, error) {
	items, err := n.list()
	if err != nil {
		return nil, err
	}
	out := make([]policy.SignerMatch, len(items))
	for i, it := range items {
		name, arg, err := it.op()
		if err != nil {
			return nil, err
		}
		switch name {
		case "key":
			id, err := arg.str()
			if err != nil {
				return nil, err
			}
			out[i] = policy.Key(id)
		case "identity":
			id, err := identity(arg)
			if err != nil {
				return nil, err
			}
			out[i] = policy.Identity(id)
		default:
			return nil, it.errorf("unknown signer %q (key or identity)", truncate(name))
		}
	}
	r := policy.SignedBy(out...)
	if err := r.Validate(); err != nil {
		return nil, n.errorf("%v", strings.TrimPrefix(err.Error(), policy.ErrInvalidPolicy.Error()+": "))
	}
	return out, nil
}

// claimFields maps the file's claim names to verify.FulcioClaims fields.
var claimFields = func() map[string]int {
	t := reflect.TypeFor[verify.FulcioClaims]()
	m := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = i
	}
	return m
}()

func identity(n node) (verify.CertificateIdentity, error) {
	var id verify.CertificateIdentity
	fs, err := n.fields([]string{"san", "sanRegexp", "issuer", "issuerRegexp", "claims"})
	if err != nil {
		return id, err
	}
	for key, p := range map[string]*string{"san": &id.SAN, "sanRegexp": &id.SANRegexp, "issuer": &id.Issuer, "issuerRegexp": &id.IssuerRegexp} {
		if v, ok := fs[key]; ok {
			if *p, err = v.str(); err != nil {
				return id, err
			}
		}
	}
	if c, ok := fs["claims"]; ok {
		names := make([]string, 0, len(claimFields))
		for k := range claimFields {
			names = append(names, k)
		}
		cs, err := c.fields(sortedStrings(names))
		if err != nil {
			return id, err
		}
		v := reflect.ValueOf(&id.Claims).Elem()
		for k, cn := range cs {
			s, err := cn.str()
			if err != nil {
				return id, err
			}
			v.Field(claimFields[k]).SetString(s)
		}
	}
	if _, err := verify.NewCertificateMatcher(id); err != nil {
		return id, n.errorf("%v", err)
	}
	return id, nil
}
