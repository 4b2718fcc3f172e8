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
	if len(expr) > limits.MaxLicenseExpression {
		return fmt.Errorf("%w: %w: %d bytes, limit %d", ErrLicenseExpression, ErrTooLarge, len(expr), limits.MaxLicenseExpression)
	}
	toks, err := licenseTokens(expr)
	if err != nil {
		return err
	}
	p := &licParser{toks: toks}
	if err := p.expr(0); err != nil {
		return err
	}
	if p.pos != len(p.toks) {
		return fmt.Errorf("%w: unexpected %q in %q", ErrLicenseExpression, truncate(p.toks[p.pos]), truncate(expr))
	}
	return nil
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

func (p *licParser) expr(depth int) error {
	if depth > limits.MaxLicenseDepth {
		return fmt.Errorf("%w: %w: parentheses nested deeper than %d", ErrLicenseExpression, ErrTooLarge, limits.MaxLicenseDepth)
	}
	for {
		if err := p.term(depth); err != nil {
			return err
		}
		if t := p.peek(); isOp(t, "AND") || isOp(t, "OR") {
			p.pos++
			continue
		}
		return nil
	}
}

func (p *licParser) term(depth int) error {
	t := p.peek()
	switch {
	case t == "":
		return fmt.Errorf("%w: unexpected end", ErrLicenseExpression)
	case t == "(":
		p.pos++
		if err := p.expr(depth + 1); err != nil {
			return err
		}
		if p.peek() != ")" {
			return fmt.Errorf("%w: missing ')'", ErrLicenseExpression)
		}
		p.pos++
	default:
		if err := checkLicenseRef(t); err != nil {
			return err
		}
		p.pos++
	}
	if isOp(p.peek(), "WITH") {
		p.pos++
		ex := p.peek()
		if ex == "" || ex == "(" || ex == ")" {
			return fmt.Errorf("%w: WITH needs an exception", ErrLicenseExpression)
		}
		if !isLicenseID(ex) && !strings.HasPrefix(ex, "AdditionRef-") {
			return fmt.Errorf("%w: unknown exception %q", ErrLicenseExpression, truncate(ex))
		}
		p.pos++
	}
	return nil
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
