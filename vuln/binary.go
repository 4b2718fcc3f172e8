package vuln

import (
	"debug/buildinfo"
	"debug/elf"
	"debug/gosym"
	"debug/macho"
	"encoding/binary"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/chainmail-dev/chainmail/sbom"
)

// SymbolCheck says whether a Go binary links the vulnerable code of a
// finding, from the binary's own function table, as govulncheck's binary
// mode does.
type SymbolCheck struct {
	// Known is false when it cannot be told: the binary's function table
	// could not be read (only ELF and Mach-O binaries are read).
	Known bool `json:"known"`
	// Linked are the vulnerable functions found in the binary
	// ("net/http.Server.Serve"), packages ("net/http") where a record
	// lists a package without functions, or the module where a record
	// lists no packages (all of the module is vulnerable). Known and
	// empty: the module is in the binary, its vulnerable code is not.
	Linked []string `json:"linked,omitempty"`
}

// binarySymbols is the function table of a Go binary: for each package
// path, its function and method names as the Go vulnerability database
// writes them ("Parse", "Server.Serve").
type binarySymbols struct {
	byPkg        map[string]map[string]bool
	modOf        map[string]string // package path -> module path
	goos, goarch string
	readable     bool
}

// ScanBinary checks the modules linked into a Go binary (its build
// information) and the standard library it was built with against db,
// and for each finding whether a vulnerable function is linked.
func (db *DB) ScanBinary(path string, o Options) (*Report, error) {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInput, path, err)
	}
	var targets []Target
	add := func(p, v string) {
		if v == "" || v == "(devel)" {
			return
		}
		t, ok := targetOf(sbom.GoPURL(p, v))
		if ok {
			targets = append(targets, t)
		}
	}
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		if strings.HasPrefix(d.Path, ".") || strings.HasPrefix(d.Path, "/") {
			continue // a local replacement: no version to check
		}
		add(d.Path, d.Version)
	}
	if v, ok := strings.CutPrefix(bi.GoVersion, "go"); ok {
		if i := strings.IndexAny(v, " +"); i >= 0 {
			v = v[:i]
		}
		add("stdlib", v)
	}
	syms := readSymbols(path)
	syms.assignModules(bi)
	for _, s := range bi.Settings {
		switch s.Key {
		case "GOOS":
			syms.goos = s.Value
		case "GOARCH":
			syms.goarch = s.Value
		}
	}
	return db.scan(targets, syms, o)
}

// readSymbols reads the function table (pclntab) of an ELF or Mach-O Go
// binary.
func readSymbols(path string) *binarySymbols {
	bs := &binarySymbols{byPkg: map[string]map[string]bool{}}
	var pcln []byte
	var text uint64
	var order binary.ByteOrder = binary.LittleEndian
	if f, err := elf.Open(path); err == nil {
		defer f.Close()
		order = f.ByteOrder
		if s := f.Section(".gopclntab"); s != nil {
			pcln, _ = s.Data()
		}
		if s := f.Section(".text"); s != nil {
			text = s.Addr
		}
	} else if f, err := macho.Open(path); err == nil {
		defer f.Close()
		order = f.ByteOrder
		if s := f.Section("__gopclntab"); s != nil {
			pcln, _ = s.Data()
		}
		if s := f.Section("__text"); s != nil {
			text = s.Addr
		}
	}
	if len(pcln) == 0 {
		return bs
	}
	names, ok := funcNames(pcln, order)
	if !ok {
		tab, err := gosym.NewTable(nil, gosym.NewLineTable(pcln, text))
		if err != nil {
			return bs
		}
		for _, fn := range tab.Funcs {
			names = append(names, fn.Name)
		}
	}
	bs.readable = true
	for _, name := range names {
		pkg, sym, ok := splitSymbol(name)
		if !ok {
			continue
		}
		m := bs.byPkg[pkg]
		if m == nil {
			m = map[string]bool{}
			bs.byPkg[pkg] = m
		}
		m[sym] = true
	}
	return bs
}

var (
	receiverReplacer = strings.NewReplacer("(*", "", "(", "", ")", "")
	closureRE        = regexp.MustCompile(`\.(func|gowrap)\d+(\.\d+)*$`)
	genericRE        = regexp.MustCompile(`\[[^\[\]]*\]`)
)

// splitSymbol splits a linker symbol ("golang.org/x/net/http2.(*serverConn).goAway",
// "gopkg.in/yaml%2ev3.Unmarshal") into its package path and the name the
// Go vulnerability database uses ("serverConn.goAway"): pointer
// receivers, type parameters, closures and method-value suffixes dropped.
func splitSymbol(name string) (pkg, sym string, ok bool) {
	slash := strings.LastIndex(name, "/")
	dot := strings.Index(name[slash+1:], ".")
	if dot < 0 {
		return "", "", false
	}
	pkg = strings.ReplaceAll(name[:slash+1+dot], "%2e", ".")
	sym = name[slash+1+dot+1:]
	for strings.Contains(sym, "[") && genericRE.MatchString(sym) {
		sym = genericRE.ReplaceAllString(sym, "")
	}
	sym = strings.TrimSuffix(sym, "-fm")
	if strings.Contains(sym, ".func") || strings.Contains(sym, ".gowrap") {
		sym = closureRE.ReplaceAllString(sym, "")
	}
	if strings.Contains(sym, "(") {
		sym = receiverReplacer.Replace(sym)
	}
	return pkg, sym, sym != ""
}

// assignModules maps each package of the function table to the module
// that provides it: the longest module path of the build information
// that is the package path or a prefix of it ending at a slash, so that
// github.com/x/y/v2/p belongs to github.com/x/y/v2, not github.com/x/y.
// Packages of no module are the standard library's.
func (bs *binarySymbols) assignModules(bi *buildinfo.BuildInfo) {
	bs.modOf = map[string]string{}
	var mods []string
	for _, d := range bi.Deps {
		mods = append(mods, d.Path)
	}
	if bi.Main.Path != "" {
		mods = append(mods, bi.Main.Path)
	}
	isMod := make(map[string]bool, len(mods))
	for _, m := range mods {
		isMod[m] = true
	}
	for pkg := range bs.byPkg {
		// The longest module path that is pkg or a prefix of it at a
		// slash: try pkg, then each parent directory.
		best := "stdlib"
		for p := pkg; p != ""; {
			if isMod[p] {
				best = p
				break
			}
			i := strings.LastIndex(p, "/")
			if i < 0 {
				break
			}
			p = p[:i]
		}
		bs.modOf[pkg] = best
	}
}

// check looks for the vulnerable code of a finding's records in the
// binary. A record that names no packages makes every package of the
// module vulnerable (the Go vulnerability database's rule). It returns
// nil when every package the records name is for another GOOS or
// GOARCH than the binary's: the finding does not apply to this binary.
func (bs *binarySymbols) check(t Target, group []match) *SymbolCheck {
	if !bs.readable {
		return &SymbolCheck{}
	}
	sc := &SymbolCheck{Known: true}
	applicable := false
	for _, m := range group {
		for _, a := range m.aff {
			if a.EcosystemSpecific == nil || len(a.EcosystemSpecific.Imports) == 0 {
				applicable = true
				for pkg, mod := range bs.modOf {
					if mod == t.Name && len(bs.byPkg[pkg]) > 0 {
						sc.Linked = append(sc.Linked, t.Name)
						break
					}
				}
				continue
			}
			for _, imp := range a.EcosystemSpecific.Imports {
				if (len(imp.GOOS) > 0 && bs.goos != "" && !slices.Contains(imp.GOOS, bs.goos)) ||
					(len(imp.GOARCH) > 0 && bs.goarch != "" && !slices.Contains(imp.GOARCH, bs.goarch)) {
					continue // for another platform
				}
				applicable = true
				funcs := bs.byPkg[imp.Path]
				if len(imp.Symbols) == 0 {
					if len(funcs) > 0 {
						sc.Linked = append(sc.Linked, imp.Path)
					}
					continue
				}
				for _, s := range imp.Symbols {
					if funcs[s] {
						sc.Linked = append(sc.Linked, imp.Path+"."+s)
					}
				}
			}
		}
	}
	if !applicable {
		return nil
	}
	sort.Strings(sc.Linked)
	sc.Linked = slices.Compact(sc.Linked)
	return sc
}
