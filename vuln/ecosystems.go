package vuln

import (
	"math/big"
	"regexp"
	"strings"
)

// compareDebian orders Debian package versions as dpkg does
// ([epoch:]upstream[-revision], compared part by part with dpkg's
// verrevcmp, where "~" sorts before everything, even the end).
func compareDebian(a, b string) (int, bool) {
	ea, ua, ra, ok1 := splitDebian(a)
	eb, ub, rb, ok2 := splitDebian(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	if c := ea.Cmp(eb); c != 0 {
		return c, true
	}
	if c := verrevcmp(ua, ub); c != 0 {
		return sign(c), true
	}
	return sign(verrevcmp(ra, rb)), true
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

func splitDebian(v string) (epoch *big.Int, upstream, revision string, ok bool) {
	epoch = new(big.Int)
	if len(v) == 0 || len(v) > 256 {
		return nil, "", "", false
	}
	if e, rest, found := strings.Cut(v, ":"); found {
		if e == "" || strings.Trim(e, "0123456789") != "" || len(e) > 9 {
			return nil, "", "", false
		}
		epoch.SetString(e, 10)
		v = rest
	}
	upstream = v
	if i := strings.LastIndex(v, "-"); i >= 0 {
		upstream, revision = v[:i], v[i+1:]
	}
	if upstream == "" || upstream[0] < '0' || upstream[0] > '9' {
		return nil, "", "", false
	}
	for _, c := range upstream + revision {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.ContainsRune(".+-~:", c)) {
			return nil, "", "", false
		}
	}
	return epoch, upstream, revision, true
}

func debOrder(c byte, end bool) int {
	switch {
	case end:
		return 0
	case c >= '0' && c <= '9':
		return 0
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return int(c)
	case c == '~':
		return -1
	}
	return int(c) + 256
}

// verrevcmp is dpkg's: alternately the non-digit prefixes, character by
// character in debOrder, and the digit runs, as numbers.
func verrevcmp(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		firstDiff := 0
		for (i < len(a) && !isDigit(a[i])) || (j < len(b) && !isDigit(b[j])) {
			var ac, bc int
			ac = debOrder(at(a, i), i >= len(a))
			bc = debOrder(at(b, j), j >= len(b))
			if ac != bc {
				return ac - bc
			}
			i++
			j++
		}
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		for i < len(a) && isDigit(a[i]) && j < len(b) && isDigit(b[j]) {
			if firstDiff == 0 {
				firstDiff = int(a[i]) - int(b[j])
			}
			i++
			j++
		}
		if i < len(a) && isDigit(a[i]) {
			return 1
		}
		if j < len(b) && isDigit(b[j]) {
			return -1
		}
		if firstDiff != 0 {
			return firstDiff
		}
	}
	return 0
}

func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// pep440RE is the version pattern of PEP 440's appendix (as the packaging
// library writes it), anchored, case-insensitive.
var pep440RE = regexp.MustCompile(`(?i)^\s*v?(?:(?:(\d+)!)?(\d+(?:\.\d+)*)` +
	`(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d+)?)?` +
	`(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?` +
	`(?:[-_.]?(dev)[-_.]?(\d+)?)?)` +
	`(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$`)

// pep440 is a parsed PEP 440 version.
type pep440 struct {
	epoch   *big.Int
	release []*big.Int // trailing zeros removed
	pre     int        // 0 none, 1 a, 2 b, 3 rc
	preN    *big.Int
	post    *big.Int // nil: none
	dev     *big.Int // nil: none
	local   []string
}

func num(s string) *big.Int {
	n := new(big.Int)
	if s != "" {
		n.SetString(s, 10)
	}
	return n
}

func parsePEP440(v string) (pep440, bool) {
	if len(v) > 256 {
		return pep440{}, false
	}
	m := pep440RE.FindStringSubmatch(v)
	if m == nil {
		return pep440{}, false
	}
	p := pep440{epoch: num(m[1])}
	for _, s := range strings.Split(m[2], ".") {
		p.release = append(p.release, num(s))
	}
	for len(p.release) > 1 && p.release[len(p.release)-1].Sign() == 0 {
		p.release = p.release[:len(p.release)-1]
	}
	switch strings.ToLower(m[3]) {
	case "a", "alpha":
		p.pre = 1
	case "b", "beta":
		p.pre = 2
	case "c", "rc", "pre", "preview":
		p.pre = 3
	}
	if p.pre > 0 {
		p.preN = num(m[4])
	}
	switch {
	case m[5] != "":
		p.post = num(m[5])
	case m[6] != "":
		p.post = num(m[7])
	}
	if m[8] != "" {
		p.dev = num(m[9])
	}
	if m[10] != "" {
		p.local = strings.FieldsFunc(strings.ToLower(m[10]), func(r rune) bool { return r == '.' || r == '-' || r == '_' })
	}
	return p, true
}

// comparePEP440 orders Python package versions as PEP 440 says: epoch,
// release (trailing zeros ignored), a development release before its
// pre-releases, pre-releases before the release, post-releases after it,
// and local versions after the public one, segment by segment (numbers
// above strings).
func comparePEP440(a, b string) (int, bool) {
	x, ok1 := parsePEP440(a)
	y, ok2 := parsePEP440(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	if c := x.epoch.Cmp(y.epoch); c != 0 {
		return c, true
	}
	for i := 0; i < max(len(x.release), len(y.release)); i++ {
		xi, yi := new(big.Int), new(big.Int)
		if i < len(x.release) {
			xi = x.release[i]
		}
		if i < len(y.release) {
			yi = y.release[i]
		}
		if c := xi.Cmp(yi); c != 0 {
			return c, true
		}
	}
	// Pre-release key: a dev-only release sorts below every pre-release,
	// no pre-release above every one.
	preKey := func(p pep440) (int, *big.Int) {
		switch {
		case p.pre == 0 && p.post == nil && p.dev != nil:
			return -1, nil
		case p.pre == 0:
			return 4, nil
		}
		return p.pre, p.preN
	}
	xp, xn := preKey(x)
	yp, yn := preKey(y)
	if xp != yp {
		return sign(xp - yp), true
	}
	if xn != nil && yn != nil {
		if c := xn.Cmp(yn); c != 0 {
			return c, true
		}
	}
	if c := cmpOptional(x.post, y.post, -1); c != 0 {
		return c, true
	}
	if c := cmpOptional(x.dev, y.dev, 1); c != 0 {
		return c, true
	}
	return cmpIdentifiers(x.local, y.local, true), true
}

// cmpOptional compares optional numbers; absent is below every number
// when absent < 0, above when absent > 0.
func cmpOptional(x, y *big.Int, absent int) int {
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return absent
	case y == nil:
		return -absent
	}
	return x.Cmp(y)
}

// gemSegments splits a RubyGems version as Gem::Version does: "-" means
// ".pre.", then runs of digits (numbers) and of letters (strings);
// trailing zeros are dropped from the release part and from the
// prerelease part (Gem::Version#canonical_segments).
func gemSegments(v string) ([]any, bool) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 256 {
		return nil, false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '-') {
			return nil, false
		}
	}
	if v[0] < '0' || v[0] > '9' {
		return nil, false
	}
	v = strings.ReplaceAll(v, "-", ".pre.")
	var segs []any
	for i := 0; i < len(v); {
		j := i
		switch {
		case isDigit(v[i]):
			for j < len(v) && isDigit(v[j]) {
				j++
			}
			segs = append(segs, num(v[i:j]))
		case v[i] == '.':
			i++
			continue
		default:
			for j < len(v) && v[j] != '.' && !isDigit(v[j]) {
				j++
			}
			segs = append(segs, v[i:j])
		}
		i = j
	}
	cut := len(segs)
	for k, s := range segs {
		if _, isStr := s.(string); isStr {
			cut = k
			break
		}
	}
	trim := func(p []any) []any {
		for len(p) > 0 {
			if n, ok := p[len(p)-1].(*big.Int); ok && n.Sign() == 0 {
				p = p[:len(p)-1]
				continue
			}
			break
		}
		return p
	}
	return append(trim(append([]any(nil), segs[:cut]...)), trim(append([]any(nil), segs[cut:]...))...), true
}

// compareRubyGems orders RubyGems versions as Gem::Version#<=> does: a
// missing segment is 0, a string (a prerelease) below a number, numbers
// by value, strings by bytes.
func compareRubyGems(a, b string) (int, bool) {
	x, ok1 := gemSegments(a)
	y, ok2 := gemSegments(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	zero := new(big.Int)
	for i := 0; i < max(len(x), len(y)); i++ {
		var l, r any = zero, zero
		if i < len(x) {
			l = x[i]
		}
		if i < len(y) {
			r = y[i]
		}
		ln, lNum := l.(*big.Int)
		rn, rNum := r.(*big.Int)
		switch {
		case lNum && rNum:
			if c := ln.Cmp(rn); c != 0 {
				return c, true
			}
		case lNum:
			return 1, true
		case rNum:
			return -1, true
		default:
			if c := strings.Compare(l.(string), r.(string)); c != 0 {
				return c, true
			}
		}
	}
	return 0, true
}

// compareNuGet orders NuGet versions: up to four numeric parts (missing
// ones are 0), a release above its prereleases, prerelease labels
// compared as SemVer compares them but without regard to case, build
// metadata ignored.
func compareNuGet(a, b string) (int, bool) {
	parse := func(v string) (nums [4]*big.Int, pre []string, ok bool) {
		if v == "" || len(v) > 256 {
			return nums, nil, false
		}
		v, _, _ = strings.Cut(v, "+")
		core, p, hasPre := strings.Cut(v, "-")
		parts := strings.Split(core, ".")
		if len(parts) > 4 {
			return nums, nil, false
		}
		for i := range nums {
			nums[i] = new(big.Int)
			if i < len(parts) {
				if parts[i] == "" || strings.Trim(parts[i], "0123456789") != "" {
					return nums, nil, false
				}
				nums[i].SetString(parts[i], 10)
			}
		}
		if hasPre {
			if p == "" {
				return nums, nil, false
			}
			pre = strings.Split(strings.ToLower(p), ".")
			for _, id := range pre {
				if id == "" {
					return nums, nil, false
				}
			}
		}
		return nums, pre, true
	}
	x, xp, ok1 := parse(a)
	y, yp, ok2 := parse(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	for i := range x {
		if c := x[i].Cmp(y[i]); c != 0 {
			return c, true
		}
	}
	switch {
	case xp == nil && yp == nil:
		return 0, true
	case xp == nil:
		return 1, true
	case yp == nil:
		return -1, true
	}
	return cmpIdentifiers(xp, yp, false), true // numeric identifiers below alphanumeric ones
}

// cmpIdentifiers compares two lists of identifiers (PEP 440 local
// segments, prerelease labels) one by one: numbers (all digits) by value,
// whatever their length, other identifiers by bytes, a number against
// another identifier as numbersHigh says; a list that ends first is lower.
func cmpIdentifiers(x, y []string, numbersHigh bool) int {
	for i := 0; i < max(len(x), len(y)); i++ {
		switch {
		case i >= len(x):
			return -1
		case i >= len(y):
			return 1
		}
		xd, yd := allDigits(x[i]), allDigits(y[i])
		switch {
		case xd && yd:
			a, b := strings.TrimLeft(x[i], "0"), strings.TrimLeft(y[i], "0")
			if len(a) != len(b) {
				return sign(len(a) - len(b))
			}
			if c := strings.Compare(a, b); c != 0 {
				return c
			}
		case xd || yd:
			if xd == numbersHigh {
				return 1
			}
			return -1
		default:
			if c := strings.Compare(x[i], y[i]); c != 0 {
				return c
			}
		}
	}
	return 0
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// apkVersion is an Alpine package version:
// digits{.digits}[letter]{_suffix[digits]}[~hash][-rN].
type apkVersion struct {
	nums     []string
	letter   byte
	suffixes [][2]string // (suffix, number)
	rev      string
}

// apkSuffixRank orders the suffixes: pre-releases below none (the
// release), later snapshots and patches above it.
var apkSuffixRank = map[string]int{"alpha": 0, "beta": 1, "pre": 2, "rc": 3, "": 4, "cvs": 5, "svn": 6, "git": 7, "hg": 8, "p": 9}

func parseAPK(v string) (apkVersion, bool) {
	var a apkVersion
	if v == "" || len(v) > 256 {
		return a, false
	}
	if i := strings.LastIndex(v, "-r"); i >= 0 {
		if !allDigits(v[i+2:]) {
			return a, false
		}
		a.rev, v = v[i+2:], v[:i]
	}
	if i := strings.IndexByte(v, '~'); i >= 0 {
		v = v[:i] // a commit hash orders nothing
	}
	main, rest, _ := strings.Cut(v, "_")
	if n := len(main); n > 0 && main[n-1] >= 'a' && main[n-1] <= 'z' {
		a.letter, main = main[n-1], main[:n-1]
	}
	for _, p := range strings.Split(main, ".") {
		if !allDigits(p) {
			return a, false
		}
		a.nums = append(a.nums, p)
	}
	if rest != "" {
		for _, s := range strings.Split(rest, "_") {
			i := 0
			for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
				i++
			}
			name, n := s[:i], s[i:]
			if _, ok := apkSuffixRank[name]; !ok || name == "" || (n != "" && !allDigits(n)) {
				return a, false
			}
			a.suffixes = append(a.suffixes, [2]string{name, n})
		}
	}
	return a, true
}

// cmpNumber compares two digit strings by value.
func cmpNumber(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return sign(len(a) - len(b))
	}
	return strings.Compare(a, b)
}

// compareAPK orders Alpine versions as apk does for the forms Alpine's
// packages use: the numbers (the first by value, later ones as decimal
// fractions when either has a leading zero), fewer numbers below more,
// no letter below a letter, then the suffixes (alpha < beta < pre < rc <
// none < cvs < svn < git < hg < p, each with its number), then the
// package revision (-rN).
func compareAPK(x, y string) (int, bool) {
	a, ok1 := parseAPK(x)
	b, ok2 := parseAPK(y)
	if !ok1 || !ok2 {
		return 0, false
	}
	for i := 0; i < min(len(a.nums), len(b.nums)); i++ {
		p, q := a.nums[i], b.nums[i]
		var c int
		if i > 0 && (strings.HasPrefix(p, "0") || strings.HasPrefix(q, "0")) {
			c = strings.Compare(strings.TrimRight(p, "0"), strings.TrimRight(q, "0"))
		} else {
			c = cmpNumber(p, q)
		}
		if c != 0 {
			return sign(c), true
		}
	}
	if len(a.nums) != len(b.nums) {
		return sign(len(a.nums) - len(b.nums)), true
	}
	if a.letter != b.letter {
		return sign(int(a.letter) - int(b.letter)), true
	}
	for i := 0; i < max(len(a.suffixes), len(b.suffixes)); i++ {
		s, t := [2]string{"", ""}, [2]string{"", ""}
		if i < len(a.suffixes) {
			s = a.suffixes[i]
		}
		if i < len(b.suffixes) {
			t = b.suffixes[i]
		}
		if r := apkSuffixRank[s[0]] - apkSuffixRank[t[0]]; r != 0 {
			return sign(r), true
		}
		if c := cmpNumber(s[1], t[1]); c != 0 {
			return c, true
		}
	}
	return cmpNumber(a.rev, b.rev), true
}
