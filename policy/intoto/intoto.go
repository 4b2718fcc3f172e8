// Package intoto verifies in-toto supply-chain layouts, through
// in-toto-golang, as one more rule of a policy.
//
// A layout says which steps make the artifact, who may perform each
// (functionary keys, a threshold of them), and how the artifacts flow
// from step to step (artifact rules). Verify checks a signed layout and
// the signed link metadata of its steps; Rule makes that a policy rule
// that passes when the layout verifies, has not expired at the decision
// time, and the artifact decided on is a product of its last step:
//
//	rule := policy.All(
//		intoto.Rule(intoto.Config{
//			Layout:     "root.layout",
//			LayoutKeys: []string{"alice.pub"},
//			LinkDir:    "links/",
//		}),
//		slsa.Require(...),
//	)
//
// Where it departs from in-toto-golang's InTotoVerify, on purpose:
//
//   - inspections (commands a layout asks the verifier to run) are not
//     run unless Config.RunInspectionsUnsafe says so: a layout that has
//     them fails with ErrInspections;
//   - expiry is checked against the caller's time (the decision's), not
//     the clock (SECURITY.md C90);
//   - sublayouts, whose verification would run their inspections, are
//     refused (ErrSublayout);
//   - layout and link files are bounded in size before they are read.
//
// Artifact rules, thresholds and path matching are in-toto-golang's
// (paths are cleaned before matching, GHSA-vrxp-mg9f-hwf3: SECURITY.md
// C85), and every failure is reported with the step and the rule.
package intoto

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	in_toto "github.com/in-toto/in-toto-golang/in_toto"

	"github.com/chainmail-dev/chainmail/policy"
)

// MaxFileBytes bounds a layout, link or key file.
const MaxFileBytes = 16 << 20

// The errors of this package. Through Rule, a chain that does not
// verify is a failing rule of kind ErrLayout; ErrInspections and
// ErrSublayout make it err.
var (
	// ErrLayout: the layout or its links did not verify.
	ErrLayout = errors.New("intoto: supply chain not verified")
	// ErrInspections: the layout has inspections, and the caller did not
	// opt in to running them.
	ErrInspections = errors.New("intoto: layout has inspections")
	// ErrSublayout: a step's link is itself a layout.
	ErrSublayout = errors.New("intoto: sublayouts are not supported")
)

// Config says what to verify.
type Config struct {
	// Layout is the path of the signed layout (a metablock or a DSSE
	// envelope).
	Layout string
	// LayoutKeys are the paths of the public keys (PEM) that must all
	// have signed the layout; at least one.
	LayoutKeys []string
	// LinkDir is the directory of the steps' link files
	// (STEP.KEYID-PREFIX.link).
	LinkDir string
	// Parameters substitute the layout's {PARAMETER}s.
	Parameters map[string]string
	// IntermediatePEMs are intermediate certificates for functionaries
	// identified by certificate constraints.
	IntermediatePEMs [][]byte
	// RunInspectionsUnsafe runs the layout's inspections, commands taken
	// from the layout, in InspectionDir. Off by default: a layout with
	// inspections fails with ErrInspections.
	RunInspectionsUnsafe bool
	// InspectionDir is where inspections run (with RunInspectionsUnsafe).
	InspectionDir string
	// LineNormalization normalizes line endings when inspections hash
	// files.
	LineNormalization bool
}

// Summary is what a verified supply chain established.
type Summary struct {
	// Expires is when the layout expires.
	Expires time.Time
	// Steps are the names of the layout's steps, in order.
	Steps []string
	// Products are the final step's products: path to digests (algorithm
	// to hex).
	Products map[string]map[string]string
}

// Verify verifies the supply chain of cfg at time now: the layout's
// signatures by every layout key, its expiry, the links' signatures by
// enough authorized functionaries for each step, and the artifact rules.
func Verify(cfg Config, now time.Time) (*Summary, error) {
	s, err := verifyChain(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.checkExpiry(now); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Summary) checkExpiry(now time.Time) error {
	switch {
	case now.IsZero():
		return fmt.Errorf("%w: no time to check the layout's expiry against", policy.ErrNoClock)
	case !now.Before(s.Expires):
		return fmt.Errorf("%w: the layout expired on %s", ErrLayout, s.Expires.UTC().Format(time.RFC3339))
	}
	return nil
}

func layoutErr(what string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrLayout, what, err)
}

// checkSize refuses files over MaxFileBytes before in-toto-golang reads
// them whole.
func checkSize(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > MaxFileBytes {
		return fmt.Errorf("%s is %d bytes, limit %d", path, fi.Size(), MaxFileBytes)
	}
	return nil
}

// verifyChain does everything but the expiry check, which depends on the
// time.
func verifyChain(cfg Config) (*Summary, error) {
	if cfg.Layout == "" || len(cfg.LayoutKeys) == 0 || cfg.LinkDir == "" {
		return nil, fmt.Errorf("%w: intoto: a layout, at least one layout key and a link directory are required", policy.ErrInvalidPolicy)
	}
	keys := make(map[string]in_toto.Key, len(cfg.LayoutKeys))
	for _, p := range cfg.LayoutKeys {
		if err := checkSize(p); err != nil {
			return nil, layoutErr("layout key", err)
		}
		var k in_toto.Key
		if err := k.LoadKeyDefaults(p); err != nil {
			return nil, layoutErr("layout key "+p, err)
		}
		keys[k.KeyID] = k
	}
	if err := checkSize(cfg.Layout); err != nil {
		return nil, layoutErr("layout", err)
	}
	env, err := in_toto.LoadMetadata(cfg.Layout)
	if err != nil {
		return nil, layoutErr("layout", err)
	}
	if err := in_toto.VerifyLayoutSignatures(env, keys); err != nil {
		return nil, layoutErr("layout signature", err)
	}
	layout, ok := env.GetPayload().(in_toto.Layout)
	if !ok {
		return nil, layoutErr("layout", in_toto.ErrNotLayout)
	}
	expires, err := time.Parse(in_toto.ISO8601DateSchema, layout.Expires)
	if err != nil {
		return nil, layoutErr("layout expiry", err)
	}
	if len(layout.Inspect) > 0 && !cfg.RunInspectionsUnsafe {
		names := make([]string, len(layout.Inspect))
		for i, in := range layout.Inspect {
			names[i] = fmt.Sprintf("%s (%s)", in.Name, strings.Join(in.Run, " "))
		}
		return nil, fmt.Errorf("%w: %s; they run commands, and are run only with RunInspectionsUnsafe", ErrInspections, strings.Join(names, ", "))
	}
	if layout, err = in_toto.SubstituteParameters(layout, cfg.Parameters); err != nil {
		return nil, layoutErr("parameters", err)
	}
	roots, intermediates, err := in_toto.LoadLayoutCertificates(layout, cfg.IntermediatePEMs)
	if err != nil {
		return nil, layoutErr("layout certificates", err)
	}
	for _, step := range layout.Steps {
		matches, err := filepath.Glob(filepath.Join(cfg.LinkDir, fmt.Sprintf(in_toto.LinkGlobFormat, step.Name)))
		if err != nil {
			return nil, layoutErr("links", err)
		}
		for _, m := range matches {
			if err := checkSize(m); err != nil {
				return nil, layoutErr("link", err)
			}
		}
	}
	links, err := in_toto.LoadLinksForLayout(layout, cfg.LinkDir)
	if err != nil {
		return nil, layoutErr("links", err)
	}
	for step, byKey := range links {
		for _, md := range byKey {
			if _, isLayout := md.GetPayload().(in_toto.Layout); isLayout {
				return nil, fmt.Errorf("%w: step %q", ErrSublayout, step)
			}
		}
	}
	verified, err := in_toto.VerifyLinkSignatureThesholds(layout, links, roots, intermediates)
	if err != nil {
		return nil, layoutErr("link signatures", err)
	}
	reduced, err := in_toto.ReduceStepsMetadata(layout, verified)
	if err != nil {
		return nil, layoutErr("links", err)
	}
	steps := make([]any, len(layout.Steps))
	names := make([]string, len(layout.Steps))
	for i, s := range layout.Steps {
		steps[i], names[i] = s, s.Name
	}
	if err := in_toto.VerifyArtifacts(steps, reduced); err != nil {
		return nil, layoutErr("artifact rules", err)
	}
	if len(layout.Inspect) > 0 {
		useDSSE := false
		if _, ok := env.(*in_toto.Envelope); ok {
			useDSSE = true
		}
		inspected, err := in_toto.RunInspections(layout, cfg.InspectionDir, cfg.LineNormalization, useDSSE)
		if err != nil {
			return nil, layoutErr("inspections", err)
		}
		for k, v := range reduced {
			inspected[k] = v
		}
		items := make([]any, len(layout.Inspect))
		for i, in := range layout.Inspect {
			items[i] = in
		}
		if err := in_toto.VerifyArtifacts(items, inspected); err != nil {
			return nil, layoutErr("inspection artifact rules", err)
		}
	}
	s := &Summary{Expires: expires, Steps: names, Products: map[string]map[string]string{}}
	if len(layout.Steps) > 0 {
		last := reduced[layout.Steps[len(layout.Steps)-1].Name]
		if l, ok := last.GetPayload().(in_toto.Link); ok {
			for p, h := range l.Products {
				s.Products[p] = map[string]string(h)
			}
		}
	}
	return s, nil
}

// Rule returns the policy rule of cfg: it passes when the supply chain
// verifies (once; the result is kept), the layout has not expired at the
// decision time, and the artifact's SHA-256 is among the products of the
// layout's last step. A chain that does not verify fails with the
// reason, at every decision.
func Rule(cfg Config) policy.Rule[policy.Evidence] {
	var (
		once sync.Once
		sum  *Summary
		err  error
	)
	chain := func() (*Summary, error) {
		once.Do(func() { sum, err = verifyChain(cfg) })
		return sum, err
	}
	r := &policy.Leaf[policy.Evidence]{ID: "in-toto", Path: "layout", Kind: ErrLayout,
		Want: "a verified supply chain whose last step produced the artifact"}
	if cfg.Layout == "" || len(cfg.LayoutKeys) == 0 || cfg.LinkDir == "" {
		r.Invalid = fmt.Errorf("%w: intoto: a layout, at least one layout key and a link directory are required", policy.ErrInvalidPolicy)
	}
	r.Test = func(c *policy.Context, ev *policy.Evidence) (bool, error) {
		s, err := chain()
		if errors.Is(err, ErrLayout) {
			return false, nil // did not verify: a failure, explained by Got
		}
		if err != nil {
			return false, err
		}
		if err := s.checkExpiry(c.Now); err != nil {
			if errors.Is(err, ErrLayout) {
				return false, nil
			}
			return false, err
		}
		return s.produced(ev) != "", nil
	}
	r.Got = func(ev *policy.Evidence) string {
		s, err := chain()
		if err != nil {
			return err.Error()
		}
		if p := s.produced(ev); p != "" {
			return "produced as " + p
		}
		paths := make([]string, 0, len(s.Products))
		for p := range s.Products {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		return fmt.Sprintf("the artifact is not among the last step's products (%s)", strings.Join(paths, ", "))
	}
	return r
}

// produced returns the product path whose sha256 is the artifact's.
func (s *Summary) produced(ev *policy.Evidence) string {
	sha := ev.Artifact()["sha256"]
	if sha == "" {
		return ""
	}
	paths := make([]string, 0, len(s.Products))
	for p := range s.Products {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if s.Products[p]["sha256"] == sha {
			return p
		}
	}
	return ""
}
