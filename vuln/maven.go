package vuln

import (
	"math/big"
	"strconv"
	"strings"
)

// Maven versions, ordered as Maven's ComparableVersion orders them: a
// version is a list of items, numbers and qualifiers, separated by "."
// (same list) and "-" or a change between digits and letters (a sublist);
// trailing zeros and release qualifiers do not count; qualifiers rank
// alpha < beta < milestone < rc (= cr) < snapshot < release (= ga =
// final) < sp < any other, others by name; a number ranks above a
// qualifier and above a sublist.

type mvnKind uint8

const (
	mvnInt mvnKind = iota
	mvnString
	mvnList
)

type mvnItem struct {
	kind mvnKind
	n    *big.Int
	s    string // the comparable qualifier
	list []*mvnItem
}

var mvnQualifiers = []string{"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"}

// mvnReleaseIndex is the comparable form of the release qualifier.
var mvnReleaseIndex = strconv.Itoa(5)

func mvnComparable(q string) string {
	for i, k := range mvnQualifiers {
		if k == q {
			return strconv.Itoa(i)
		}
	}
	return strconv.Itoa(len(mvnQualifiers)) + "-" + q
}

func mvnQualifier(s string, followedByDigit bool) *mvnItem {
	if followedByDigit && len(s) == 1 {
		switch s {
		case "a":
			s = "alpha"
		case "b":
			s = "beta"
		case "m":
			s = "milestone"
		}
	}
	switch s {
	case "ga", "final", "release":
		s = ""
	case "cr":
		s = "rc"
	}
	return &mvnItem{kind: mvnString, s: mvnComparable(s)}
}

func mvnParseItem(isDigit bool, buf string) *mvnItem {
	if isDigit {
		n := new(big.Int)
		n.SetString(strings.TrimLeft(buf, "0")+"0", 10)
		n.Div(n, big.NewInt(10)) // "007" -> 7, "" -> 0
		return &mvnItem{kind: mvnInt, n: n}
	}
	return mvnQualifier(buf, false)
}

// isNull reports whether an item counts as absent at the end of a list.
func (it *mvnItem) isNull() bool {
	switch it.kind {
	case mvnInt:
		return it.n.Sign() == 0
	case mvnString:
		return it.s == mvnReleaseIndex
	}
	return len(it.list) == 0
}

func mvnNormalize(l *mvnItem) {
	for i := len(l.list) - 1; i >= 0; i-- {
		it := l.list[i]
		if it.isNull() {
			l.list = append(l.list[:i], l.list[i+1:]...)
		} else if it.kind != mvnList {
			break
		}
	}
}

// parseMaven parses a Maven version, or reports false for one too long or
// with characters Maven versions do not use.
func parseMaven(v string) (*mvnItem, bool) {
	if v == "" || len(v) > 256 {
		return nil, false
	}
	v = strings.ToLower(v)
	root := &mvnItem{kind: mvnList}
	list := root
	stack := []*mvnItem{root}
	isDigit, start := false, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '.' || c == '-':
			if i == start {
				list.list = append(list.list, &mvnItem{kind: mvnInt, n: new(big.Int)})
			} else {
				list.list = append(list.list, mvnParseItem(isDigit, v[start:i]))
			}
			start = i + 1
			if c == '-' { // a sublist begins
				sub := &mvnItem{kind: mvnList}
				list.list = append(list.list, sub)
				list = sub
				stack = append(stack, sub)
			}
		case c >= '0' && c <= '9':
			if !isDigit && i > start {
				// 1.0.0.X1 < 1.0.0-X2: a letter-to-digit change is a "-".
				list.list = append(list.list, mvnQualifier(v[start:i], true))
				start = i
				sub := &mvnItem{kind: mvnList}
				list.list = append(list.list, sub)
				list = sub
				stack = append(stack, sub)
			}
			isDigit = true
		case c >= 'a' && c <= 'z' || c == '_' || c == '+':
			if isDigit && i > start {
				list.list = append(list.list, mvnParseItem(true, v[start:i]))
				start = i
				sub := &mvnItem{kind: mvnList}
				list.list = append(list.list, sub)
				list = sub
				stack = append(stack, sub)
			}
			isDigit = false
		default:
			return nil, false
		}
	}
	if len(v) > start {
		list.list = append(list.list, mvnParseItem(isDigit, v[start:]))
	}
	for i := len(stack) - 1; i >= 0; i-- {
		mvnNormalize(stack[i])
	}
	return root, true
}

// mvnCompare compares a with b; b nil stands for an absent item.
func mvnCompare(a, b *mvnItem) int {
	switch a.kind {
	case mvnInt:
		if b == nil {
			if a.n.Sign() == 0 {
				return 0
			}
			return 1
		}
		switch b.kind {
		case mvnInt:
			return a.n.Cmp(b.n)
		default:
			return 1 // a number above a qualifier and a sublist
		}
	case mvnString:
		if b == nil {
			return strings.Compare(a.s, mvnReleaseIndex)
		}
		switch b.kind {
		case mvnInt, mvnList:
			return -1
		default:
			return strings.Compare(a.s, b.s)
		}
	}
	// a is a list
	if b == nil {
		for _, it := range a.list {
			if c := mvnCompare(it, nil); c != 0 {
				return c
			}
		}
		return 0
	}
	switch b.kind {
	case mvnInt:
		return -1
	case mvnString:
		return 1
	}
	for i := 0; i < max(len(a.list), len(b.list)); i++ {
		var l, r *mvnItem
		if i < len(a.list) {
			l = a.list[i]
		}
		if i < len(b.list) {
			r = b.list[i]
		}
		var c int
		switch {
		case l == nil && r == nil:
			c = 0
		case l == nil:
			c = -mvnCompare(r, nil)
		default:
			c = mvnCompare(l, r)
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// compareMaven orders Maven versions as ComparableVersion does.
func compareMaven(a, b string) (int, bool) {
	x, ok1 := parseMaven(a)
	y, ok2 := parseMaven(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	return sign(mvnCompare(x, y)), true
}
