package sbom

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/chainmail-dev/chainmail/internal/limits"
)

//go:embed schemas/spdx.schema.json
var spdxLicenseSchema []byte

var licenseIDs = sync.OnceValue(func() map[string]string {
	var s struct {
		Enum []string `json:"enum"`
	}
	if err := json.Unmarshal(spdxLicenseSchema, &s); err != nil {
		panic("sbom: embedded SPDX license list: " + err.Error())
	}
	m := make(map[string]string, len(s.Enum))
	for _, id := range s.Enum {
		m[strings.ToLower(id)] = id
	}
	return m
})

// isLicenseID reports whether s is one SPDX license identifier from the
// SPDX license list (not an expression, not a LicenseRef).
func isLicenseID(s string) bool {
	_, ok := licenseIDs()[strings.ToLower(s)]
	return ok
}

// CanonicalLicenseID returns the SPDX license list spelling of a license
// identifier ("mit" -> "MIT") and whether it is on the list.
func CanonicalLicenseID(s string) (string, bool) {
	id, ok := licenseIDs()[strings.ToLower(s)]
	return id, ok
}

// ErrLicenseExpression is wrapped by ValidateLicenseExpression errors.
var ErrLicenseExpression = errors.New("sbom: invalid SPDX license expression")

// ValidateLicenseExpression checks an SPDX license expression (SPDX 2.3
// annex D): license identifiers from the SPDX license list (optionally
// with "+"), LicenseRef- and DocumentRef-...:LicenseRef- references,
// AND, OR and WITH <exception>, and parentheses. It is bounded: at most
// limits.MaxLicenseExpression bytes and limits.MaxLicenseDepth nested
// parentheses (SECURITY.md C99).
func ValidateLicenseExpression(expr string) error {
	_, err := ParseLicenseExpression(expr)
	return err
}

// LicenseExpression is a parsed SPDX license expression: one license
// (License, and With for an exception), or the AND or OR of Terms. AND
// binds tighter than OR, and WITH tighter than both (SPDX 2.3 annex D).
type LicenseExpression struct {
	// Op is "AND" or "OR" for a compound expression, "" for one license.
	Op string
	// License is the license of a leaf: an identifier in the SPDX
	// license list's spelling ("MIT", "GPL-2.0+"), or a LicenseRef.
	License string
	// With is the exception of a leaf ("Classpath-exception-2.0"), or
	// of a parenthesized group.
	With string
	// Terms are the operands of Op.
	Terms []*LicenseExpression
}

// ParseLicenseExpression parses and checks an SPDX license expression,
// with the rules and bounds of ValidateLicenseExpression.
func ParseLicenseExpression(expr string) (*LicenseExpression, error) {
	if len(expr) > limits.MaxLicenseExpression {
		return nil, fmt.Errorf("%w: %w: %d bytes, limit %d", ErrLicenseExpression, ErrTooLarge, len(expr), limits.MaxLicenseExpression)
	}
	toks, err := licenseTokens(expr)
	if err != nil {
		return nil, err
	}
	p := &licParser{toks: toks}
	e, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("%w: unexpected %q in %q", ErrLicenseExpression, truncate(p.toks[p.pos]), truncate(expr))
	}
	return e, nil
}

// Satisfiable reports whether the expression can be complied with using
// only licenses that ok accepts: an OR needs one acceptable term, an AND
// all of them. ok is called with each leaf's License, followed by
// " WITH " and the exception when there is one.
func (e *LicenseExpression) Satisfiable(ok func(license string) bool) bool {
	switch e.Op {
	case "AND":
		for _, t := range e.Terms {
			if !t.Satisfiable(ok) {
				return false
			}
		}
		return true
	case "OR":
		for _, t := range e.Terms {
			if t.Satisfiable(ok) {
				return true
			}
		}
		return false
	}
	if e.With != "" {
		return ok(e.License + " WITH " + e.With)
	}
	return ok(e.License)
}

// String writes the expression back in its canonical form.
func (e *LicenseExpression) String() string {
	if e.Op == "" {
		if e.With != "" {
			return e.License + " WITH " + e.With
		}
		return e.License
	}
	parts := make([]string, len(e.Terms))
	for i, t := range e.Terms {
		parts[i] = t.String()
		if t.Op != "" && t.Op != e.Op {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	s := strings.Join(parts, " "+e.Op+" ")
	if e.With != "" {
		s = "(" + s + ") WITH " + e.With
	}
	return s
}

func licenseTokens(expr string) ([]string, error) {
	var toks []string
	i := 0
	for i < len(expr) {
		c := expr[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, expr[i:i+1])
			i++
		default:
			j := i
			for j < len(expr) && !strings.ContainsRune(" \t\n\r()", rune(expr[j])) {
				j++
			}
			toks = append(toks, expr[i:j])
			i = j
		}
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrLicenseExpression)
	}
	return toks, nil
}

type licParser struct {
	toks []string
	pos  int
}

func (p *licParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func isOp(t, op string) bool { return t == op || t == strings.ToLower(op) }

// expr parses terms joined by op, where "OR" joins AND-expressions and
// "AND" joins terms.
func (p *licParser) expr(depth int) (*LicenseExpression, error) {
	return p.join(depth, "OR")
}

func (p *licParser) join(depth int, op string) (*LicenseExpression, error) {
	if depth > limits.MaxLicenseDepth {
		return nil, fmt.Errorf("%w: %w: parentheses nested deeper than %d", ErrLicenseExpression, ErrTooLarge, limits.MaxLicenseDepth)
	}
	next := func() (*LicenseExpression, error) {
		if op == "OR" {
			return p.join(depth, "AND")
		}
		return p.term(depth)
	}
	first, err := next()
	if err != nil {
		return nil, err
	}
	if !isOp(p.peek(), op) {
		return first, nil
	}
	e := &LicenseExpression{Op: op, Terms: []*LicenseExpression{first}}
	for isOp(p.peek(), op) {
		p.pos++
		t, err := next()
		if err != nil {
			return nil, err
		}
		e.Terms = append(e.Terms, t)
	}
	return e, nil
}

func (p *licParser) term(depth int) (*LicenseExpression, error) {
	t := p.peek()
	var e *LicenseExpression
	switch {
	case t == "":
		return nil, fmt.Errorf("%w: unexpected end", ErrLicenseExpression)
	case t == "(":
		p.pos++
		inner, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("%w: missing ')'", ErrLicenseExpression)
		}
		p.pos++
		e = inner
	default:
		if err := checkLicenseRef(t); err != nil {
			return nil, err
		}
		p.pos++
		e = &LicenseExpression{License: canonicalRef(t)}
	}
	if isOp(p.peek(), "WITH") {
		p.pos++
		ex := p.peek()
		if ex == "" || ex == "(" || ex == ")" {
			return nil, fmt.Errorf("%w: WITH needs an exception", ErrLicenseExpression)
		}
		if !isLicenseID(ex) && !strings.HasPrefix(ex, "AdditionRef-") {
			return nil, fmt.Errorf("%w: unknown exception %q", ErrLicenseExpression, truncate(ex))
		}
		p.pos++
		if id, ok := CanonicalLicenseID(ex); ok {
			ex = id
		}
		if e.With != "" {
			return nil, fmt.Errorf("%w: two exceptions", ErrLicenseExpression)
		}
		e.With = ex
	}
	return e, nil
}

// canonicalRef spells a checked license reference as the SPDX list does
// ("mit" -> "MIT", "gpl-2.0+" -> "GPL-2.0+"); LicenseRefs are kept.
func canonicalRef(t string) string {
	plus := strings.HasSuffix(t, "+")
	if id, ok := CanonicalLicenseID(strings.TrimSuffix(t, "+")); ok {
		if plus {
			return id + "+"
		}
		return id
	}
	return t
}

func checkLicenseRef(t string) error {
	if isOp(t, "AND") || isOp(t, "OR") || isOp(t, "WITH") || t == ")" {
		return fmt.Errorf("%w: unexpected operator %q", ErrLicenseExpression, truncate(t))
	}
	ref := t
	if rest, ok := strings.CutPrefix(ref, "DocumentRef-"); ok {
		_, lr, ok := strings.Cut(rest, ":")
		if !ok {
			return fmt.Errorf("%w: %q lacks :LicenseRef-", ErrLicenseExpression, truncate(t))
		}
		ref = lr
	}
	if rest, ok := strings.CutPrefix(ref, "LicenseRef-"); ok {
		if rest == "" || sanitizeID(rest) != rest {
			return fmt.Errorf("%w: bad license reference %q", ErrLicenseExpression, truncate(t))
		}
		return nil
	}
	id := strings.TrimSuffix(ref, "+")
	if !isLicenseID(id) {
		return fmt.Errorf("%w: unknown license %q", ErrLicenseExpression, truncate(t))
	}
	return nil
}
