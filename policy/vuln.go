package policy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
)

// Level is a vulnerability severity, ordered: LevelLow < LevelMedium <
// LevelHigh < LevelCritical.
type Level uint8

// The severity levels, with the CVSS v3/v4 base-score ranges they stand
// for.
const (
	// LevelNone: a score of 0.0.
	LevelNone Level = iota
	// LevelLow: 0.1-3.9.
	LevelLow
	// LevelMedium: 4.0-6.9 ("moderate" in some databases).
	LevelMedium
	// LevelHigh: 7.0-8.9.
	LevelHigh
	// LevelCritical: 9.0-10.0.
	LevelCritical
	// levelUnknown: no severity could be read; it counts as at or above
	// every threshold.
	levelUnknown
)

// String returns "none", "low", "medium", "high" or "critical".
func (l Level) String() string {
	switch l {
	case LevelNone:
		return "none"
	case LevelLow:
		return "low"
	case LevelMedium:
		return "medium"
	case LevelHigh:
		return "high"
	case LevelCritical:
		return "critical"
	}
	return "unknown"
}

// levelOf reads a finding's severity: the highest of its ratings, each a
// CVSS base score ("7.5") or a level name ("HIGH", "moderate"). A
// finding with no rating that reads (none, or only CVSS vectors) is
// levelUnknown.
func levelOf(r *attest.VulnResult) Level {
	best, any := LevelNone, false
	for _, s := range r.Severity {
		l, ok := parseLevel(s.Score)
		if !ok {
			continue
		}
		any = true
		if l > best {
			best = l
		}
	}
	if !any {
		return levelUnknown
	}
	return best
}

func parseLevel(score string) (Level, bool) {
	switch strings.ToLower(strings.TrimSpace(score)) {
	case "none":
		return LevelNone, true
	case "low":
		return LevelLow, true
	case "medium", "moderate":
		return LevelMedium, true
	case "high", "important":
		return LevelHigh, true
	case "critical":
		return LevelCritical, true
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(score), 64)
	switch {
	case err != nil || f < 0 || f > 10:
		return 0, false
	case f >= 9:
		return LevelCritical, true
	case f >= 7:
		return LevelHigh, true
	case f >= 4:
		return LevelMedium, true
	case f > 0:
		return LevelLow, true
	}
	return LevelNone, true
}

// VulnOption configures NoVulnsAtOrAbove.
type VulnOption func(*vulnRule)

// AfterVEX applies the verified OpenVEX attestations of the evidence:
// a finding is waived by a VEX statement about it (its name or an alias
// equal to the finding's id), for the artifact (see ForProducts), whose
// status is not_affected or fixed, unless a later applicable statement
// says otherwise. VEX that is not in the evidence (unsigned, untrusted,
// about another artifact) cannot enter it, so it changes nothing
// (SECURITY.md C100).
func AfterVEX() VulnOption { return func(r *vulnRule) { r.vex = true } }

// AfterVEXFrom is AfterVEX with only the VEX attestations signed by one
// of ms: the suppliers whose word on exploitability you take.
func AfterVEXFrom(ms ...SignerMatch) VulnOption {
	return func(r *vulnRule) {
		r.vex = true
		r.vexSigners = ms
		if err := validateMatches("after-vex-from", ms); err != nil {
			r.invalid = err
		}
	}
}

// ForProducts names the artifact in VEX documents: a VEX statement
// applies when one of its products has one of these ids (its @id or
// purl identifier, compared exactly, so "pkg:oci/app" never matches
// "pkg:oci/app-evil"), or lists the artifact's sha256 among its hashes.
func ForProducts(ids ...string) VulnOption {
	return func(r *vulnRule) { r.products = append(r.products, ids...) }
}

type vulnRule struct {
	level      Level
	vex        bool
	vexSigners []SignerMatch
	products   []string
	invalid    error
}

// NoVulnsAtOrAbove passes when every vulnerability scan attestation
// (in-toto vulns v0.2) of the evidence reports no finding at or above
// level, after VEX when AfterVEX is given. A finding without a readable
// severity counts as at or above any level. There must be at least one
// scan (ErrNoEvidence otherwise).
func NoVulnsAtOrAbove(level Level, opts ...VulnOption) Rule[Evidence] {
	vr := &vulnRule{level: level}
	for _, o := range opts {
		o(vr)
	}
	r := &Leaf[Evidence]{ID: "vulns", Path: "predicate.scanner.result", Kind: ErrVulnerable,
		Want: "no finding at or above " + level.String()}
	if vr.vex {
		r.Want += ", after VEX"
	}
	switch {
	case vr.invalid != nil:
		r.Invalid = vr.invalid
	case level < LevelLow || level > LevelCritical:
		r.Invalid = fmt.Errorf("%w: vulns: level %v", ErrInvalidPolicy, level)
	}
	for _, p := range vr.products {
		if p == "" {
			r.Invalid = fmt.Errorf("%w: vulns: empty product id", ErrInvalidPolicy)
		}
	}
	r.Test = func(_ *Context, ev *Evidence) (bool, error) {
		open, err := vr.open(ev)
		return err == nil && len(open) == 0, err
	}
	r.Got = func(ev *Evidence) string {
		open, err := vr.open(ev)
		if err != nil || len(open) == 0 {
			return ""
		}
		if len(open) > 10 {
			open = append(open[:10], fmt.Sprintf("and %d more", len(open)-10))
		}
		return strings.Join(open, ", ")
	}
	return r
}

// open returns the findings at or above the level that VEX does not
// waive, as "ID (level)".
func (vr *vulnRule) open(ev *Evidence) ([]string, error) {
	var waived map[string]bool
	if vr.vex {
		var err error
		if waived, err = vr.waivers(ev); err != nil {
			return nil, err
		}
	}
	scans := 0
	var open []string
	seen := map[string]bool{}
	for i := range ev.items {
		it := &ev.items[i]
		if it.Statement == nil || !attest.MatchPredicateType(attest.PredicateVulns, it.PredicateType) {
			continue
		}
		scans++
		v, err := it.Predicate()
		if err != nil {
			return nil, err
		}
		scan, ok := v.(*attest.Vulns)
		if !ok {
			return nil, fmt.Errorf("%w: %T is not a vulnerability scan", ErrPredicate, v)
		}
		for j := range scan.Scanner.Result {
			res := &scan.Scanner.Result[j]
			l := levelOf(res)
			if l < vr.level || waived[res.ID] || seen[res.ID] {
				continue
			}
			seen[res.ID] = true
			open = append(open, fmt.Sprintf("%s (%s)", truncate(res.ID), l))
		}
	}
	if scans == 0 {
		return nil, fmt.Errorf("%w: no vulnerability scan (%s)", ErrNoEvidence, attest.PredicateVulns)
	}
	sort.Strings(open)
	return open, nil
}

// vexEntry is the latest applicable VEX status of one vulnerability.
type vexEntry struct {
	at       time.Time
	status   string
	conflict bool
}

// waivers returns the vulnerability ids (names and aliases) that the
// applicable VEX statements waive.
func (vr *vulnRule) waivers(ev *Evidence) (map[string]bool, error) {
	latest := map[string]*vexEntry{}
	for i := range ev.items {
		it := &ev.items[i]
		if it.Statement == nil || !attest.MatchPredicateType(attest.PredicateOpenVEX, it.PredicateType) || !vr.trustedVEX(it) {
			continue
		}
		v, err := it.Predicate()
		if err != nil {
			return nil, err
		}
		doc, ok := v.(*attest.OpenVEX)
		if !ok {
			return nil, fmt.Errorf("%w: %T is not an OpenVEX document", ErrPredicate, v)
		}
		for j := range doc.Statements {
			st := &doc.Statements[j]
			if !vr.applies(st, ev) {
				continue
			}
			at := st.Timestamp
			if at == nil {
				at = doc.Timestamp
			}
			var t time.Time
			if at != nil {
				t = *at
			}
			for _, id := range append([]string{st.Vulnerability.Name}, st.Vulnerability.Aliases...) {
				e := latest[id]
				switch {
				case e == nil || t.After(e.at):
					latest[id] = &vexEntry{at: t, status: st.Status}
				case t.Equal(e.at) && e.status != st.Status:
					e.conflict = true
				}
			}
		}
	}
	waived := map[string]bool{}
	for id, e := range latest {
		if !e.conflict && (e.status == attest.VEXNotAffected || e.status == attest.VEXFixed) {
			waived[id] = true
		}
	}
	return waived, nil
}

func (vr *vulnRule) trustedVEX(it *Item) bool {
	if len(vr.vexSigners) == 0 {
		return true
	}
	for i := range it.Signers {
		for _, m := range vr.vexSigners {
			if m.match(&it.Signers[i]) {
				return true
			}
		}
	}
	return false
}

// applies reports whether a VEX statement is about the artifact.
func (vr *vulnRule) applies(st *attest.VEXStatement, ev *Evidence) bool {
	sha := ev.artifact["sha256"]
	for i := range st.Products {
		p := &st.Products[i]
		for _, id := range vr.products {
			if p.ID == id || p.Identifiers["purl"] == id {
				return true
			}
		}
		if sha != "" && (p.Hashes["sha-256"] == sha || p.Hashes["sha256"] == sha) {
			return true
		}
	}
	return false
}
