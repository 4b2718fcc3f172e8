package sbom

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/errs"
	"github.com/chainmail-dev/chainmail/sbom/internal/licensedetect"
)

// Mode selects what FromModule puts in an SBOM.
type Mode int

const (
	// ModeModule: the module graph, every module of the selected build
	// list (go list -m all) with the go mod graph edges between the
	// selected versions. Fast, and a superset of what any binary links.
	ModeModule Mode = iota
	// ModePackages: exactly the modules that provide packages linked into
	// the main packages (go list -deps) for one GOOS/GOARCH and set of
	// build tags, with module edges derived from package imports. Tests
	// are excluded unless WithTests.
	ModePackages
)

// Property names of generated documents.
const (
	PropGoMode       = "chainmail:go:mode"
	PropGoOS         = "chainmail:go:goos"
	PropGoArch       = "chainmail:go:goarch"
	PropGoTags       = "chainmail:go:tags"
	PropGoIndirect   = "chainmail:go:indirect"
	PropGoReplace    = "chainmail:go:replace"
	PropGoError      = "chainmail:go:error"
	PropGoVendored   = "chainmail:go:vendored"
	PropBuildSetting = "chainmail:go:build:" // + setting key
	PropComposition  = "chainmail:composition"
)

// Option configures FromModule, FromBinary and FromBuildInfo.
type Option func(*genOptions) error

type genOptions struct {
	mode        Mode
	modeSet     bool
	mains       []string
	goos        string
	goarch      string
	tags        []string
	tests       bool
	stdlib      bool
	licenses    bool
	licensesSet bool
	cache       string // WithCache
	mainVersion string
	goCmd       string
	env         []string
	workspace   bool
	created     time.Time
	createdSet  bool
	progress    func(stage string, done, total int)
}

func makeOptions(opts []Option) (*genOptions, error) {
	o := &genOptions{stdlib: true, licenses: true, goCmd: "go"}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	if len(o.mains) > 0 {
		if o.modeSet && o.mode != ModePackages {
			return nil, fmt.Errorf("sbom: WithMain needs ModePackages")
		}
		o.mode = ModePackages
	}
	if o.tests && o.mode != ModePackages {
		return nil, fmt.Errorf("sbom: WithTests needs ModePackages")
	}
	if o.mode == ModePackages && len(o.mains) == 0 {
		o.mains = []string{"."}
	}
	return o, nil
}

// WithMode selects ModeModule (the default) or ModePackages.
func WithMode(m Mode) Option {
	return func(o *genOptions) error {
		if m != ModeModule && m != ModePackages {
			return fmt.Errorf("sbom: unknown mode %d", m)
		}
		o.mode, o.modeSet = m, true
		return nil
	}
}

// WithMain names the main packages (import paths or ./relative patterns)
// whose linked modules ModePackages reports. It implies ModePackages.
func WithMain(pkgs ...string) Option {
	return func(o *genOptions) error {
		for _, p := range pkgs {
			if p == "" || strings.HasPrefix(p, "-") {
				return fmt.Errorf("sbom: bad main package %q", truncate(p))
			}
		}
		o.mains = append(o.mains, pkgs...)
		return nil
	}
}

// WithBuildContext sets GOOS, GOARCH and build tags for ModePackages
// (empty values keep the go command's defaults).
func WithBuildContext(goos, goarch string, tags ...string) Option {
	return func(o *genOptions) error {
		for _, t := range tags {
			if t == "" || strings.ContainsAny(t, " ,\t") {
				return fmt.Errorf("sbom: bad build tag %q", truncate(t))
			}
		}
		o.goos, o.goarch, o.tags = goos, goarch, tags
		return nil
	}
}

// WithTests includes the dependencies of the main packages' tests in
// ModePackages; modules needed only by tests get ScopeExcluded.
func WithTests(include bool) Option {
	return func(o *genOptions) error { o.tests = include; return nil }
}

// WithStdlib includes (the default) or leaves out the Go standard
// library component "pkg:golang/stdlib@<version>".
func WithStdlib(include bool) Option {
	return func(o *genOptions) error { o.stdlib = include; return nil }
}

// WithLicenses turns license detection from the module cache on or off.
// It is on by default for FromModule and off by default for FromBinary
// and FromBuildInfo (a binary carries no license files; its modules may
// or may not be in the local cache). Detection is offline: it reads the
// license files of each module's directory and never downloads anything.
func WithLicenses(detect bool) Option {
	return func(o *genOptions) error { o.licenses, o.licensesSet = detect, true; return nil }
}

// WithMainVersion sets the main module's version, overriding the tag,
// VCS and ldflags heuristics.
func WithMainVersion(v string) Option {
	return func(o *genOptions) error {
		if strings.ContainsAny(v, " \t\n") {
			return fmt.Errorf("sbom: bad version %q", truncate(v))
		}
		o.mainVersion = v
		return nil
	}
}

// WithGoCommand sets the go command to run (default "go" from PATH) and
// extra environment entries ("KEY=value") for it, e.g. "GOFLAGS=-mod=mod"
// or "GOPROXY=off".
func WithGoCommand(path string, env ...string) Option {
	return func(o *genOptions) error {
		if path != "" {
			o.goCmd = path
		}
		o.env = append(o.env, env...)
		return nil
	}
}

// WithWorkspace uses the go.work file of the directory, if any (by
// default GOWORK=off: the module is described on its own).
func WithWorkspace(use bool) Option {
	return func(o *genOptions) error { o.workspace = use; return nil }
}

// WithTime sets the document's creation time. Without it the time comes
// from the VCS (the HEAD commit, or the binary's vcs.time), else it is left
// unknown (zero): neither the clock nor the environment is read. A program
// honouring SOURCE_DATE_EPOCH reads it itself and passes it here.
func WithTime(t time.Time) Option {
	return func(o *genOptions) error { o.created, o.createdSet = t.UTC(), true; return nil }
}

// WithProgress registers a function told about long steps ("licenses",
// done, total). It is called from the generating goroutine only.
func WithProgress(f func(stage string, done, total int)) Option {
	return func(o *genOptions) error { o.progress = f; return nil }
}

func (o *genOptions) report(stage string, done, total int) {
	if o.progress != nil {
		o.progress(stage, done, total)
	}
}

// goModule is the part of go list's Module this package reads.
type goModule struct {
	Path      string
	Version   string
	Replace   *goModule
	Main      bool
	Indirect  bool
	Dir       string
	GoVersion string
	Sum       string
	Error     *struct{ Err string }
}

// moduleComponent is the component of module path@version, replaced by
// replPath@replVersion when replPath is set. A replacement by a version
// is the component's PURL (it is what was built); a replacement by a
// directory (no version) keeps the original PURL, and its ID is marked
// "#replaced" so that it never collides with the unreplaced module.
func moduleComponent(path, version, replPath, replVersion string) *Component {
	c := &Component{Kind: KindLibrary, Name: path, Version: version, PURL: GoPURL(path, version)}
	c.ID = c.PURL
	switch {
	case replPath == "":
		return c
	case replVersion != "":
		c.PURL = GoPURL(replPath, replVersion)
		c.ID = c.PURL
		c.SetProperty(PropGoReplace, replPath+"@"+replVersion)
	default:
		c.ID += "#replaced"
		c.SetProperty(PropGoReplace, replPath)
	}
	return c
}

func (m *goModule) effective() *goModule {
	if m.Replace != nil {
		return m.Replace
	}
	return m
}

type goPackage struct {
	ImportPath string
	Module     *goModule
	Standard   bool
	Imports    []string
	ForTest    string
	DepOnly    bool
	Error      *struct{ Err string }
}

// nonTest returns the packages of a `go list -deps -test` listing that
// the same listing without -test has: the listed packages themselves
// (not their tests) and what they import, transitively.
func nonTest(pkgs []goPackage) []goPackage {
	byPath := make(map[string]int, len(pkgs))
	var stack []string
	for i, p := range pkgs {
		if p.ForTest != "" || strings.Contains(p.ImportPath, " ") {
			continue // a package recompiled for a test
		}
		byPath[p.ImportPath] = i
		if !p.DepOnly && !strings.HasSuffix(p.ImportPath, ".test") {
			stack = append(stack, p.ImportPath)
		}
	}
	reached := map[string]bool{}
	for _, r := range stack {
		reached[r] = true
	}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, ok := byPath[p]
		if !ok {
			continue
		}
		for _, imp := range pkgs[i].Imports {
			if _, known := byPath[imp]; known && !reached[imp] {
				reached[imp] = true
				stack = append(stack, imp)
			}
		}
	}
	var out []goPackage
	for _, p := range pkgs {
		if i, ok := byPath[p.ImportPath]; ok && reached[p.ImportPath] && pkgs[i].ImportPath == p.ImportPath && p.ForTest == "" && !strings.Contains(p.ImportPath, " ") {
			out = append(out, p)
		}
	}
	return out
}

// runGo runs the go command in dir and returns its standard output.
func (o *genOptions) runGo(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, o.goCmd, args...)
	cmd.Dir = dir
	cmd.Env = o.goEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 512 {
			msg = msg[:512] + "..."
		}
		return stdout.Bytes(), fmt.Errorf("%w: go %s: %v: %s", ErrGenerate, strings.Join(args, " "), err, msg)
	}
	return stdout.Bytes(), nil
}

func (o *genOptions) goEnv() []string {
	env := os.Environ()
	flags := os.Getenv("GOFLAGS")
	if !strings.Contains(flags, "-mod=") {
		flags = strings.TrimSpace(flags + " -mod=readonly")
	}
	env = append(env, "GOFLAGS="+flags)
	if !o.workspace {
		env = append(env, "GOWORK=off")
	}
	if o.goos != "" {
		env = append(env, "GOOS="+o.goos)
	}
	if o.goarch != "" {
		env = append(env, "GOARCH="+o.goarch)
	}
	return append(env, o.env...)
}

// FromModule generates the SBOM of the Go module in dir (see Mode). It
// runs the go command (with -e, so modules whose metadata the proxy
// refuses are reported with a chainmail:go:error property instead of
// failing the run) and reads go.sum and the module cache; it downloads
// nothing itself. The main module's version comes from WithMainVersion,
// else a git tag on HEAD, else a pseudo-version of the HEAD commit; a
// directory that is not in a git repository simply has no version.
func FromModule(ctx context.Context, dir string, opts ...Option) (*Document, error) {
	o, err := makeOptions(opts)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, errs.Wrap(ErrGenerate, err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%w: %q is not a directory", ErrGenerate, truncate(dir))
	}

	var (
		wg               sync.WaitGroup
		goVersion        string
		modCache         string
		vcs              vcsInfo
		graphOut         []byte
		graphErr, envErr error
		listOut          []byte
		listErr          error
		pkgsOut          []byte
		pkgsErr          error
	)
	envDone := make(chan struct{})
	wg.Add(3)
	go func() {
		defer wg.Done()
		defer close(envDone)
		var out []byte
		out, envErr = o.runGo(ctx, abs, "env", "GOVERSION", "GOMODCACHE")
		goVersion, modCache, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
		modCache = strings.TrimSpace(modCache)
	}()
	go func() {
		defer wg.Done()
		if o.mainVersion == "" || !o.createdSet {
			vcs = readVCS(ctx, abs)
		}
	}()
	go func() {
		defer wg.Done()
		// The module graph cannot come from vendor/: -mod=readonly here
		// even when the caller builds with -mod=vendor.
		listOut, listErr = o.runGo(ctx, abs, "list", "-mod=readonly", "-e", "-m", "-json", "all")
	}()
	if o.mode == ModeModule {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := ""
			if o.cache != "" {
				<-envDone
				if envErr == nil {
					key = graphCacheKey(abs, goVersion, o.goEnv(), o.workspace)
				}
				if out, ok := loadGraph(o.cache, key); key != "" && ok {
					graphOut = out
					return
				}
			}
			graphOut, graphErr = o.runGo(ctx, abs, "mod", "graph")
			if key != "" && graphErr == nil {
				_ = storeGraph(o.cache, key, graphOut) // a cache that cannot be written only costs time
			}
		}()
	} else {
		args := []string{"list", "-e", "-deps", "-json=ImportPath,Module,Standard,Imports,ForTest,DepOnly,Error"}
		if len(o.tags) > 0 {
			args = append(args, "-tags", strings.Join(o.tags, ","))
		}
		if o.tests {
			// One listing with -test: what it has beyond the listing
			// without is the tests' (nonTest tells them apart).
			args = append(args, "-test")
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pkgsOut, pkgsErr = o.runGo(ctx, abs, append(args, o.mains...)...)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if listErr != nil && len(listOut) == 0 {
		return nil, listErr
	}
	mods, err := decodeStream[goModule](listOut)
	if err != nil {
		return nil, fmt.Errorf("%w: reading go list -m output: %v", ErrGenerate, err)
	}
	if envErr != nil {
		goVersion = ""
	}
	o.report("modules", len(mods), len(mods))

	var main *goModule
	byPath := map[string]*goModule{}
	for i := range mods {
		m := &mods[i]
		if m.Main && (main == nil || m.Dir == abs) {
			main = m
		}
		byPath[m.Path] = m
	}
	if main == nil {
		return nil, fmt.Errorf("%w: no main module in %q (is there a go.mod?)", ErrGenerate, truncate(dir))
	}
	sums := readGoSum(filepath.Join(main.Dir, "go.sum"))
	vendored := readVendor(main.Dir)

	d := &Document{Version: 1}
	d.Tools = []Tool{selfTool()}
	d.Properties = append(d.Properties, Property{PropGoMode, map[Mode]string{ModeModule: "module", ModePackages: "packages"}[o.mode]})

	root := &Component{Kind: KindApplication, Name: main.Path}
	root.Version = o.mainVersion
	if root.Version == "" {
		root.Version = vcs.version()
	}
	root.PURL = GoPURL(main.Path, root.Version)
	root.ID = root.PURL
	if vcs.remote != "" {
		root.VCS = vcs.remote
	}
	d.Name = main.Path
	d.Describes = []string{root.ID}
	d.Components = append(d.Components, root)
	d.Created = o.created
	if !o.createdSet {
		d.Created = vcs.time
	}

	// Which modules, and which edges.
	type modEdge struct{ from, to string }
	var selected []*goModule
	var edges []modEdge
	seenEdge := map[modEdge]bool{}
	usesStd := false
	excluded := map[string]bool{}
	switch o.mode {
	case ModeModule:
		for i := range mods {
			// Every module but the described one: with a go.work, the
			// other workspace modules are components too.
			if &mods[i] != main {
				selected = append(selected, &mods[i])
			}
		}
		if graphErr != nil && len(graphOut) == 0 {
			return nil, graphErr
		}
		sc := bufio.NewScanner(bytes.NewReader(graphOut))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			a, b, ok := strings.Cut(sc.Text(), " ")
			if !ok {
				continue
			}
			ap, av, _ := strings.Cut(a, "@")
			bp, _, _ := strings.Cut(b, "@")
			am, bm := byPath[ap], byPath[bp]
			if am == nil || bm == nil || ap == bp {
				continue
			}
			// Keep the edges of the selected version of each module,
			// pointing at the selected version of its requirement.
			if !am.Main && av != am.Version || am.Main && av != "" {
				continue
			}
			if bp == "go" || bp == "toolchain" {
				continue
			}
			edges = append(edges, modEdge{ap, bp})
		}
		usesStd = true
	case ModePackages:
		if pkgsErr != nil && len(pkgsOut) == 0 {
			return nil, pkgsErr
		}
		all, err := decodeStream[goPackage](pkgsOut)
		if err != nil {
			return nil, fmt.Errorf("%w: reading go list -deps output: %v", ErrGenerate, err)
		}
		pkgs := all
		if o.tests {
			pkgs = nonTest(all)
		}
		seen := map[string]bool{}
		collect := func(pkgs []goPackage, test bool) {
			owner := map[string]string{}
			for _, p := range pkgs {
				switch {
				case p.Standard:
					owner[p.ImportPath] = "std"
				case p.Module != nil:
					owner[p.ImportPath] = p.Module.Path
				}
			}
			for _, p := range pkgs {
				from := owner[p.ImportPath]
				if from == "" {
					continue
				}
				if from == "std" {
					usesStd = true
					continue
				}
				if !seen[from] && from != main.Path {
					seen[from] = true
					m := byPath[from]
					if m == nil {
						m = p.Module
					}
					selected = append(selected, m)
					if test {
						excluded[from] = true
					}
				}
				for _, imp := range p.Imports {
					to := owner[imp]
					if to == "" || to == from || seenEdge[modEdge{from, to}] {
						continue // every import between two modules is one edge
					}
					seenEdge[modEdge{from, to}] = true
					edges = append(edges, modEdge{from, to})
				}
			}
		}
		collect(pkgs, false)
		if o.tests {
			collect(all, true)
		}
		if o.goos != "" {
			d.Properties = append(d.Properties, Property{PropGoOS, o.goos})
		}
		if o.goarch != "" {
			d.Properties = append(d.Properties, Property{PropGoArch, o.goarch})
		}
		if len(o.tags) > 0 {
			d.Properties = append(d.Properties, Property{PropGoTags, strings.Join(o.tags, ",")})
		}
	}

	idOf := map[string]string{main.Path: root.ID}
	comps := make([]*Component, 0, len(selected))
	for _, m := range selected {
		eff := m.effective()
		replPath, replVersion := "", ""
		if m.Replace != nil {
			replPath, replVersion = m.Replace.Path, m.Replace.Version
		}
		c := moduleComponent(m.Path, m.Version, replPath, replVersion)
		h1 := eff.Sum
		if h1 == "" && eff.Version != "" {
			h1 = sums[eff.Path+" "+eff.Version]
		}
		if h1 != "" {
			c.GoH1 = h1
		}
		if m.Indirect {
			c.SetProperty(PropGoIndirect, "true")
		}
		if m.Error != nil {
			c.SetProperty(PropGoError, truncate(m.Error.Err))
		}
		if excluded[m.Path] {
			c.Scope = ScopeExcluded
		}
		if vendored[m.Path] {
			c.SetProperty(PropGoVendored, "true")
		}
		c.DownloadURL = proxyURL(eff)
		if r := repoURL(m.Path); r != "" {
			c.VCS = r
		}
		idOf[m.Path] = c.ID
		comps = append(comps, c)
	}
	if o.stdlib && usesStd && goVersion != "" {
		std := stdlibComponent(goVersion)
		idOf["std"] = std.ID
		comps = append(comps, std)
		if o.mode == ModeModule {
			edges = append(edges, modEdge{main.Path, "std"})
		}
	}
	var rc *runCache
	if o.cache != "" {
		var lines []string
		for _, c := range comps {
			if m := byPath[c.Name]; m != nil {
				lines = append(lines, modVersion(m)+" "+c.GoH1)
			}
		}
		slices.Sort(lines)
		rc = openRunCache(o.cache, lines)
		defer rc.close()
	}
	if modCache != "" {
		hashModuleZips(modCache, o.cache, rc, comps, byPath)
	}
	d.Components = append(d.Components, comps...)
	for _, e := range edges {
		a, b := idOf[e.from], idOf[e.to]
		if a != "" && b != "" && a != b {
			d.Edges = append(d.Edges, Edge{a, b, EdgeDependsOn})
		}
	}

	if o.licenses {
		dirs := make([]string, len(comps))
		for i, c := range comps {
			m := byPath[c.Name]
			switch {
			case m != nil && m.effective().Dir != "":
				dirs[i] = m.effective().Dir
			case vendored[c.Name]:
				dirs[i] = filepath.Join(main.Dir, "vendor", filepath.FromSlash(c.Name))
			case m != nil && modCache != "" && m.effective().Version != "":
				// Not verified by go.sum (so go list gives no Dir), but
				// extracted in the module cache: its license files
				// are still the module's.
				e := m.effective()
				dirs[i] = filepath.Join(modCache, filepath.FromSlash(escapeModPath(e.Path))+"@"+escapeModPath(e.Version))
			}
		}
		var cached licenseCaching
		if o.cache != "" {
			cached = licenseCaching{
				key: func(i int) string {
					if m := byPath[comps[i].Name]; m != nil && !vendored[comps[i].Name] {
						return cacheKey(modCache, m, comps[i])
					}
					return ""
				},
				run: rc,
				module: func(i int) (string, string) {
					if m := byPath[comps[i].Name]; m != nil && !vendored[comps[i].Name] {
						return modVersion(m), comps[i].GoH1
					}
					return "", ""
				},
			}
		}
		found := detectAll(dirs, cached, o)
		for i, ms := range found {
			for _, m := range ms {
				comps[i].Licenses = append(comps[i].Licenses, License{Expression: m.ID, Source: LicenseDetected, Confidence: m.Confidence, File: m.File})
			}
		}
		for _, m := range licensedetect.Detect(main.Dir) {
			root.Licenses = append(root.Licenses, License{Expression: m.ID, Source: LicenseDetected, Confidence: m.Confidence, File: m.File})
		}
	}
	d.Normalize()
	return d, nil
}

// licenseCaching says how detectAll uses WithCache: key(i) is dirs[i]'s
// per-module cache key ("" for none), computed only when needed; module(i)
// its module version ("path@version", "" for none) and go.sum h1 in the
// run's build list entry (run, nil for none). The zero value caches
// nothing.
type licenseCaching struct {
	key    func(i int) string
	run    *runCache
	module func(i int) (pv, h1 string)
}

// detectCached detects the licenses in dir, or reads them from the
// module's own cache entry.
func detectCached(dir string, lc licenseCaching, i int, o *genOptions) []licensedetect.Match {
	key := ""
	if lc.key != nil {
		key = lc.key(i)
	}
	if key != "" {
		if ms, ok := loadLicenses(o.cache, key); ok {
			return ms
		}
	}
	ms := licensedetect.Detect(dir)
	if key != "" {
		_ = storeLicenses(o.cache, key, ms) // a cache that cannot be written only costs time
	}
	return ms
}

// detectAll runs license detection over dirs on all CPUs.
func detectAll(dirs []string, lc licenseCaching, o *genOptions) [][]licensedetect.Match {
	out := make([][]licensedetect.Match, len(dirs))
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				pv, h1 := "", ""
				if lc.run != nil {
					pv, h1 = lc.module(i)
				}
				known := false
				if pv != "" {
					out[i], known = lc.run.licenses(pv, h1) // the build list's entry
				}
				if !known {
					out[i] = detectCached(dirs[i], lc, i, o)
				}
				if pv != "" {
					lc.run.update(pv, func(f *moduleFacts) { f.H1, f.Licenses, f.LicensesKnown = h1, out[i], true })
				}
			}
		}()
	}
	for i, d := range dirs {
		if d != "" {
			work <- i
		}
		if i%32 == 0 {
			o.report("licenses", i, len(dirs))
		}
	}
	close(work)
	wg.Wait()
	o.report("licenses", len(dirs), len(dirs))
	return out
}

func decodeStream[T any](data []byte) ([]T, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []T
	for {
		var v T
		if err := dec.Decode(&v); err == io.EOF {
			return out, nil
		} else if err != nil {
			return out, err
		}
		out = append(out, v)
	}
}

// readGoSum returns the h1 sums of a go.sum, keyed "path version".
func readGoSum(path string) map[string]string {
	out := map[string]string{}
	b, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || strings.HasSuffix(f[1], "/go.mod") || !strings.HasPrefix(f[2], "h1:") {
			continue
		}
		out[f[0]+" "+f[1]] = f[2]
	}
	return out
}

// readVendor returns the modules vendor/modules.txt lists.
func readVendor(dir string) map[string]bool {
	out := map[string]bool{}
	b, err := os.ReadFile(filepath.Join(dir, "vendor", "modules.txt"))
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				out[f[0]] = true
			}
		}
	}
	return out
}

// modVersion is "path@version" of a module as built (its replacement's,
// if replaced).
func modVersion(m *goModule) string {
	e := m.effective()
	return e.Path + "@" + e.Version
}

// cacheKey is the WithCache key of a module version: its path, version
// and h1, go.sum's or else the one the go command recorded beside the zip
// in the module cache (VERSION.ziphash) when it downloaded and checked
// it; "" when neither is known (a local replacement, a module never
// downloaded).
func cacheKey(modCache string, m *goModule, c *Component) string {
	e := m.effective()
	if e.Version == "" || strings.HasPrefix(e.Path, ".") || strings.HasPrefix(e.Path, "/") {
		return ""
	}
	h1 := c.GoH1
	if h1 == "" && modCache != "" {
		h1 = readZipHash(filepath.Join(modCache, "cache", "download", filepath.FromSlash(escapeModPath(e.Path)), "@v", escapeModPath(e.Version)+".ziphash"))
	}
	if h1 == "" {
		return ""
	}
	return e.Path + "@" + e.Version + " " + h1
}

// readZipHash returns the h1 in a module cache .ziphash file, or "".
func readZipHash(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 128))
	if err != nil {
		return ""
	}
	h1 := strings.TrimSpace(string(b))
	if _, ok := H1Hex(h1); !ok {
		return ""
	}
	return h1
}

// hashModuleZips gives each module component the SHA-256 of its module
// zip in the module cache (cache/download/PATH/@v/VERSION.zip, byte for
// byte what the module proxy serves, so a consumer can check it against
// a download), where the cache has one; a module without its zip there
// gets no hash rather than a wrong one. With a cache (WithCache), a zip
// already hashed at its current size is not read again. The zips are
// hashed in parallel, one per CPU.
func hashModuleZips(modCache, cache string, rc *runCache, comps []*Component, byPath map[string]*goModule) {
	type job struct {
		c       *Component
		m       *goModule
		zip, pv string
	}
	var jobs []job
	for _, c := range comps {
		m := byPath[c.Name]
		if m == nil || c.Kind != KindLibrary {
			continue
		}
		e := m.effective()
		if e.Version == "" || strings.HasPrefix(e.Path, ".") || strings.HasPrefix(e.Path, "/") {
			continue
		}
		zip := filepath.Join(modCache, "cache", "download", filepath.FromSlash(escapeModPath(e.Path)), "@v", escapeModPath(e.Version)+".zip")
		jobs = append(jobs, job{c, m, zip, modVersion(m)})
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for i := range next {
				j := jobs[i]
				fi, err := os.Stat(j.zip)
				if err != nil || !fi.Mode().IsRegular() {
					continue
				}
				size, h := fi.Size(), ""
				if f, ok := rc.facts(j.pv, j.c.GoH1); ok && f.ZipSize == size && f.ZipSHA256 != "" {
					h = f.ZipSHA256
				}
				key := ""
				if h == "" && cache != "" {
					key = cacheKey(modCache, j.m, j.c)
					if d, ok := loadZipDigest(cache, key, size); key != "" && ok {
						h = d
					}
				}
				if h == "" {
					d, err := digest.FromFile(j.zip, digest.SHA256)
					if err != nil {
						continue
					}
					h = d.Hex()
					if key != "" {
						_ = storeZipDigest(cache, key, size, h) // a cache that cannot be written only costs time
					}
				}
				j.c.Hashes = []Hash{{Algorithm: SHA256, Value: h}}
				rc.update(j.pv, func(f *moduleFacts) { f.H1, f.ZipSize, f.ZipSHA256 = j.c.GoH1, size, h })
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
}

// H1Hex returns a Go module hash as go.sum spells it ("h1:" and base64
// of the SHA-256 of Go's dirhash summary of the module's files) in
// lowercase hex: the form of in-toto's goModuleH1 digest. It is not a
// digest of any file (not of the module zip), which is why SBOMs carry it
// as Component.GoH1 and never among Component.Hashes.
func H1Hex(h1 string) (string, bool) {
	b64, ok := strings.CutPrefix(h1, "h1:")
	if !ok {
		return "", false
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(b) != 32 {
		return "", false
	}
	return hex.EncodeToString(b), true
}

// H1FromHex is the inverse of H1Hex: it returns the go.sum spelling
// ("h1:...") of a module hash in hex (an in-toto goModuleH1 digest).
func H1FromHex(hx string) (string, error) {
	b, err := hex.DecodeString(hx)
	if err != nil || len(b) != 32 {
		return "", fmt.Errorf("sbom: %q is not a hex SHA-256", truncate(hx))
	}
	return "h1:" + base64.StdEncoding.EncodeToString(b), nil
}

func proxyURL(m *goModule) string {
	if m.Version == "" || strings.HasPrefix(m.Path, ".") || strings.HasPrefix(m.Path, "/") {
		return ""
	}
	return "https://proxy.golang.org/" + escapeModPath(m.Path) + "/@v/" + escapeModPath(m.Version) + ".zip"
}

// escapeModPath applies the module proxy's case encoding ("!" + lower).
func escapeModPath(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			b.WriteRune(r + ('a' - 'A'))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func repoURL(path string) string {
	parts := strings.Split(path, "/")
	switch parts[0] {
	case "github.com", "gitlab.com", "bitbucket.org":
		if len(parts) >= 3 {
			return "https://" + strings.Join(parts[:3], "/")
		}
	case "golang.org":
		if len(parts) >= 3 && parts[1] == "x" {
			return "https://go.googlesource.com/" + parts[2]
		}
	}
	return ""
}

// stdlibComponent is the Go standard library of a toolchain version
// ("go1.26.8"), with the toolchain's CPE.
func stdlibComponent(goVersion string) *Component {
	v := strings.TrimPrefix(goVersion, "go")
	if i := strings.IndexAny(v, " +"); i >= 0 {
		v = v[:i]
	}
	c := &Component{
		Kind:     KindLibrary,
		Name:     "stdlib",
		Version:  v,
		PURL:     GoPURL("stdlib", v),
		CPEs:     []string{"cpe:2.3:a:golang:go:" + cpeEscape(v) + ":-:*:*:*:*:*:*"},
		Licenses: []License{{Expression: "BSD-3-Clause", Source: LicenseDeclared}},
		Supplier: &Party{Name: "The Go Authors", URL: "https://go.dev", Organization: true},
		VCS:      "https://go.googlesource.com/go",
	}
	c.ID = c.PURL
	return c
}

func cpeEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func selfTool() Tool {
	v := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range append([]*debug.Module{&bi.Main}, bi.Deps...) {
			if d.Path == "github.com/chainmail-dev/chainmail" && d.Version != "(devel)" {
				v = d.Version
			}
		}
	}
	return Tool{Vendor: "chainmail", Name: "chainmail-sbom", Version: v}
}

// vcsInfo is what git says about the module directory.
type vcsInfo struct {
	tag      string
	revision string
	time     time.Time
	dirty    bool
	remote   string
}

// version returns the tag, or a pseudo-version of the revision, or "".
func (v vcsInfo) version() string {
	switch {
	case v.tag != "" && !v.dirty:
		return v.tag
	case v.revision != "" && !v.time.IsZero():
		pv := pseudoVersion(v.tag, v.time, v.revision)
		if v.dirty {
			pv += "+dirty"
		}
		return pv
	}
	return ""
}

func pseudoVersion(_ string, t time.Time, rev string) string {
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return "v0.0.0-" + t.UTC().Format("20060102150405") + "-" + rev
}

// readVCS asks git about dir. Any failure (no git, not a repository)
// leaves the fields empty: a missing VCS is never an error.
func readVCS(ctx context.Context, dir string) vcsInfo {
	var v vcsInfo
	git := func(args ...string) string {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
		out, err := cmd.Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	}
	line := git("log", "-1", "--format=%H %ct")
	rev, ts, ok := strings.Cut(line, " ")
	if !ok {
		return v
	}
	v.revision = rev
	var sec int64
	if _, err := fmt.Sscan(ts, &sec); err == nil {
		v.time = time.Unix(sec, 0).UTC()
	}
	prefix := git("rev-parse", "--show-prefix")
	for _, t := range strings.Fields(git("tag", "--points-at", "HEAD")) {
		rest, ok := strings.CutPrefix(t, prefix)
		if ok && strings.HasPrefix(rest, "v") && !strings.Contains(rest, "/") && (v.tag == "" || rest > v.tag) {
			v.tag = rest
		}
	}
	v.dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".") != ""
	if r := git("config", "--get", "remote.origin.url"); strings.HasPrefix(r, "https://") && !strings.Contains(r, "@") {
		v.remote = strings.TrimSuffix(r, ".git")
	}
	return v
}

var errNoBuildInfo = errors.New("sbom: no Go build information")
