package sbom

import (
	"context"
	"debug/buildinfo"
	"fmt"
	"github.com/chainmail-dev/chainmail/internal/errs"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"time"
)

// FromBinary generates the SBOM of a Go executable from the build
// information the linker embeds (what go version -m prints): the main
// module, every linked module with its h1 hash, the standard library of
// the toolchain that built it, and the build settings (GOOS, GOARCH,
// tags, ldflags, vcs.*) as properties. Build information has no
// dependency graph, so the main module depends on every module directly
// and the document says its composition is incomplete.
//
// The main module's version is WithMainVersion, else the version Go
// stamped (a tag or pseudo-version since Go 1.24), else a pseudo-version
// from vcs.revision and vcs.time, else a version set with
// -ldflags "-X <pkg>.version=...": never "(devel)".
//
// With WithLicenses(true), licenses are detected as for FromModule from
// the module cache (GOMODCACHE) when it holds the linked versions; the
// binary itself carries none.
func FromBinary(ctx context.Context, r io.ReaderAt, opts ...Option) (*Document, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil reader", ErrGenerate)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	bi, err := buildinfo.Read(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: %v", ErrGenerate, errNoBuildInfo, err)
	}
	return FromBuildInfo(bi, opts...)
}

// FromBinaryFile is FromBinary on a file.
func FromBinaryFile(ctx context.Context, path string, opts ...Option) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errs.Wrap(ErrGenerate, err)
	}
	defer f.Close()
	return FromBinary(ctx, f, opts...)
}

// Self returns the SBOM of the running program, from its own build
// information.
func Self(opts ...Option) (*Document, error) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil, fmt.Errorf("%w: %w: the program was built without module support", ErrGenerate, errNoBuildInfo)
	}
	return FromBuildInfo(bi, opts...)
}

var ldflagsVersionRE = regexp.MustCompile(`-X[= ]['"]?[^ '"=]*\.(?:[vV]ersion|VERSION|gitVersion|GitVersion)=([^ '"]+)`)

// FromBuildInfo generates an SBOM from Go build information (see
// FromBinary).
func FromBuildInfo(bi *debug.BuildInfo, opts ...Option) (*Document, error) {
	if bi == nil {
		return nil, fmt.Errorf("%w: nil build info", ErrGenerate)
	}
	o, err := makeOptions(opts)
	if err != nil {
		return nil, err
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	d := &Document{Version: 1, Tools: []Tool{selfTool()}}
	d.Properties = append(d.Properties, Property{PropGoMode, "binary"}, Property{PropComposition, "incomplete"})
	mainPath := bi.Main.Path
	if mainPath == "" {
		mainPath = bi.Path
	}
	root := &Component{Kind: KindApplication, Name: mainPath}
	root.Version = o.mainVersion
	if root.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		root.Version = bi.Main.Version
	}
	if root.Version == "" {
		if rev, ts := settings["vcs.revision"], settings["vcs.time"]; rev != "" && ts != "" {
			if t, err := time.Parse(time.RFC3339, ts); err == nil {
				root.Version = pseudoVersion("", t, rev)
				if settings["vcs.modified"] == "true" {
					root.Version += "+dirty"
				}
			}
		}
	}
	if root.Version == "" {
		if m := ldflagsVersionRE.FindStringSubmatch(settings["-ldflags"]); m != nil {
			root.Version = m[1]
		}
	}
	root.PURL = GoPURL(mainPath, root.Version)
	root.ID = root.PURL
	if bi.Main.Sum != "" {
		root.GoH1 = bi.Main.Sum
	}
	if bi.Path != "" && bi.Path != mainPath {
		root.SetProperty("chainmail:go:path", bi.Path)
	}
	for _, s := range bi.Settings {
		if strings.HasPrefix(s.Key, "vcs.") || s.Key == "GOOS" || s.Key == "GOARCH" || s.Key == "CGO_ENABLED" ||
			s.Key == "-tags" || s.Key == "-ldflags" || s.Key == "-buildmode" || s.Key == "-trimpath" ||
			s.Key == "-compiler" || strings.HasPrefix(s.Key, "GO") || s.Key == "DefaultGODEBUG" {
			root.SetProperty(PropBuildSetting+s.Key, s.Value)
		}
	}
	if u := settings["vcs.revision"]; u != "" {
		root.SetProperty(PropBuildSetting+"vcs.revision", u)
	}
	d.Name = mainPath
	d.Describes = []string{root.ID}
	d.Components = append(d.Components, root)
	d.Created = o.created
	if !o.createdSet {
		if t, err := time.Parse(time.RFC3339, settings["vcs.time"]); err == nil {
			d.Created = t.UTC()
		}
	}
	if len(bi.Deps) > maxComponentsLimit {
		return nil, fmt.Errorf("%w: %w: %d modules", ErrGenerate, ErrTooLarge, len(bi.Deps))
	}
	for _, m := range bi.Deps {
		if m == nil {
			continue
		}
		sum, replPath, replVersion := m.Sum, "", ""
		if m.Replace != nil {
			sum, replPath, replVersion = m.Replace.Sum, m.Replace.Path, m.Replace.Version
		}
		c := moduleComponent(m.Path, m.Version, replPath, replVersion)
		if sum != "" {
			c.GoH1 = sum
		}
		c.DownloadURL = proxyURL(&goModule{Path: m.Path, Version: m.Version})
		if r := repoURL(m.Path); r != "" {
			c.VCS = r
		}
		d.Components = append(d.Components, c)
		d.Edges = append(d.Edges, Edge{root.ID, c.ID, EdgeDependsOn})
	}
	if o.licenses && o.licensesSet {
		if cache := moduleCacheDir(); cache != "" {
			var comps []*Component
			var dirs, keys []string // keys: the cache's, per directory
			for _, c := range d.Components[1:] {
				v := c.Version
				p := c.Name
				if r, ok := c.Property(PropGoReplace); ok {
					p, v, _ = strings.Cut(r, "@")
				}
				if v == "" {
					continue
				}
				comps = append(comps, c)
				dirs = append(dirs, filepath.Join(cache, filepath.FromSlash(escapeModPath(p))+"@"+escapeModPath(v)))
				key := ""
				if c.GoH1 != "" {
					key = p + "@" + v + " " + c.GoH1
				}
				keys = append(keys, key)
			}
			for i, ms := range detectAll(dirs, licenseCaching{key: func(i int) string { return keys[i] }}, o) {
				for _, m := range ms {
					comps[i].Licenses = append(comps[i].Licenses, License{Expression: m.ID, Source: LicenseDetected, Confidence: m.Confidence, File: m.File})
				}
			}
		}
	}
	if o.stdlib && bi.GoVersion != "" {
		std := stdlibComponent(bi.GoVersion)
		d.Components = append(d.Components, std)
		d.Edges = append(d.Edges, Edge{root.ID, std.ID, EdgeDependsOn})
	}
	d.Normalize()
	return d, nil
}

// moduleCacheDir finds the Go module cache the way the go command does
// (GOMODCACHE, else the first GOPATH entry's pkg/mod, else ~/go/pkg/mod)
// without running it. It returns "" when there is none.
func moduleCacheDir() string {
	dir := os.Getenv("GOMODCACHE")
	if dir == "" {
		gp := os.Getenv("GOPATH")
		if gp == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return ""
			}
			gp = filepath.Join(home, "go")
		}
		dir = filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return ""
	}
	return dir
}
