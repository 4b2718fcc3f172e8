package digest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Digests of "abc", and of something else, for match tests.
var (
	right256 = sha256ABC
	right384 = sha384ABC
	right512 = sha512ABC
	wrong256 = sha256Empty
	wrong384 = sha384Empty
	wrong512 = sha512Empty
	sha1ABC  = "a9993e364706816aba3e25717850c26c9cd0d89d"
	md5ABC   = "900150983cd24fb0d6963f7d28e17f72"
	gitSHA1  = "d20ace7968ba43c0219f62d71334c1095bab1602"
)

// actualABC is what a verifier computes locally for the artifact "abc".
func actualABC(t *testing.T, algs ...Algorithm) Set {
	t.Helper()
	s, err := SetFromReader(strings.NewReader("abc"), algs...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSetValidate(t *testing.T) {
	many := Set{}
	for i := 0; i < MaxSetSize; i++ {
		many[fmt.Sprintf("alg%d", i)] = "v"
	}
	tooMany := Set{"extra": "v"}
	for k, v := range many {
		tooMany[k] = v
	}
	tests := []struct {
		name string
		set  Set
		ok   bool
	}{
		{"sha256", Set{"sha256": right256}, true},
		{"all supported", Set{"sha256": right256, "sha384": right384, "sha512": right512}, true},
		{"sha1 and md5 are valid entries", Set{"sha1": sha1ABC, "md5": md5ABC}, true},
		{"gitCommit sha1", Set{"gitCommit": gitSHA1}, true},
		{"gitCommit sha256", Set{"gitCommit": right256}, true},
		{"gitTree", Set{"gitTree": gitSHA1}, true},
		{"custom printable", Set{"gce_image_id": "8970095005306000053"}, true},
		{"dirHash", Set{"dirHash": "h1:abc+/="}, true},
		{"32 entries", many, true},

		{"nil", nil, false},
		{"empty", Set{}, false},
		{"33 entries", tooMany, false},
		{"empty key", Set{"": right256}, false},
		{"empty value", Set{"sha256": ""}, false},
		{"empty custom value", Set{"custom": ""}, false},
		{"long key", Set{strings.Repeat("k", 513): "v"}, false},
		{"long value", Set{"custom": strings.Repeat("v", 513)}, false},
		{"custom with space", Set{"custom": "a b"}, false},
		{"custom with NUL", Set{"custom": "a\x00"}, false},
		{"custom with DEL", Set{"custom": "a\x7f"}, false},
		{"custom non-ASCII", Set{"custom": "é"}, false},
		{"sha1 short", Set{"sha1": sha1ABC[:39]}, false},
		{"md5 upper", Set{"md5": strings.ToUpper(md5ABC)}, false},
		{"sha3_256 wrong length", Set{"sha3_256": sha1ABC}, false},
		{"gitCommit short", Set{"gitCommit": gitSHA1[:12]}, false},
		{"gitCommit odd", Set{"gitCommit": gitSHA1 + "a"}, false},
		{"gitCommit upper", Set{"gitCommit": strings.ToUpper(gitSHA1)}, false},
		{"gitCommit 48", Set{"gitCommit": right384[:48]}, false},
		{"one bad among good", Set{"sha256": right256, "sha512": right512[:127]}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.set.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrMalformed) {
				t.Fatalf("Validate() = %v, not ErrMalformed", err)
			}
		})
	}
}

func TestSetAccessors(t *testing.T) {
	s := Set{"sha256": right256, "sha512": right512, "sha1": sha1ABC, "gitCommit": gitSHA1}
	if got := s.Strongest(); got != SHA512 {
		t.Errorf("Strongest() = %q, want sha512", got)
	}
	if got := fmt.Sprint(s.Supported()); got != "[sha256 sha512]" {
		t.Errorf("Supported() = %s", got)
	}
	if got := (Set{"sha1": sha1ABC}).Strongest(); got != "" {
		t.Errorf("Strongest() of a sha1-only set = %q, want none", got)
	}
	if got := (Set{"sha1": sha1ABC}).Supported(); len(got) != 0 {
		t.Errorf("Supported() of a sha1-only set = %v", got)
	}
	d, ok := s.Get(SHA256)
	if !ok || d.Hex() != right256 {
		t.Errorf("Get(sha256) = %v, %v", d, ok)
	}
	if _, ok := s.Get(SHA384); ok {
		t.Error("Get(sha384) found a digest that is not there")
	}
	if _, ok := (Set{"sha256": strings.ToUpper(right256)}).Get(SHA256); ok {
		t.Error("Get returned a non-canonical value")
	}
	if !s.Contains(d) {
		t.Error("Contains(sha256) = false")
	}
	other, _ := FromHex(SHA256, wrong256)
	if s.Contains(other) {
		t.Error("Contains(other digest) = true")
	}
	n := NewSet(d, mustParse(t, "sha384:"+right384))
	if len(n) != 2 || n["sha384"] != right384 || n["sha256"] != right256 {
		t.Errorf("NewSet = %v", n)
	}
	js, err := json.Marshal(n)
	if err != nil || string(js) != `{"sha256":"`+right256+`","sha384":"`+right384+`"}` {
		t.Errorf("json.Marshal(Set) = %s, %v", js, err)
	}
}

func TestSetMatch(t *testing.T) {
	tests := []struct {
		name    string
		claimed Set
		actual  []Algorithm // computed over "abc"
		extra   []string
		want    error // nil: match
		matched []string
	}{
		{"sha256", Set{"sha256": right256}, []Algorithm{SHA256}, nil, nil, []string{"sha256"}},
		{"sha256 with more computed", Set{"sha256": right256}, []Algorithm{SHA256, SHA512}, nil, nil, []string{"sha256"}},
		{"all three", Set{"sha256": right256, "sha384": right384, "sha512": right512}, []Algorithm{SHA256, SHA384, SHA512}, nil, nil, []string{"sha256", "sha384", "sha512"}},
		{"strongest only computed", Set{"sha256": right256, "sha512": right512}, []Algorithm{SHA512}, nil, nil, []string{"sha512"}},
		{"sha1 ignored next to sha256", Set{"sha256": right256, "sha1": sha1ABC}, []Algorithm{SHA256}, nil, nil, []string{"sha256"}},
		{"wrong sha256", Set{"sha256": wrong256}, []Algorithm{SHA256}, nil, ErrMismatch, nil},
		{"nothing computed in common", Set{"sha384": right384}, []Algorithm{SHA256}, nil, ErrMismatch, nil},
		{"invalid claim", Set{"sha256": right256[:12]}, []Algorithm{SHA256}, nil, ErrMalformed, nil},
		{"empty claim", Set{}, []Algorithm{SHA256}, nil, ErrMalformed, nil},
		{"gitCommit only", Set{"gitCommit": gitSHA1}, []Algorithm{SHA256}, nil, ErrNoAcceptedAlgorithm, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkMatch(t, tt.claimed, actualABC(t, tt.actual...), tt.extra, tt.want, tt.matched)
		})
	}
}

func checkMatch(t *testing.T, claimed, actual Set, extra []string, want error, matched []string) {
	t.Helper()
	got, err := claimed.MatchWith(actual, extra...)
	if want == nil {
		if err != nil {
			t.Fatalf("MatchWith(%v) = %v, want a match", actual, err)
		}
		if fmt.Sprint(got.algorithms()) != fmt.Sprint(matched) {
			t.Fatalf("matched %v, want %v", got.algorithms(), matched)
		}
		for k, v := range got {
			if claimed[k] != v || actual[k] != v {
				t.Fatalf("matched entry %s=%s is not in both sets", k, v)
			}
		}
		return
	}
	if !errors.Is(err, want) || got != nil {
		t.Fatalf("MatchWith = %v, %v; want %v", got, err, want)
	}
	if len(extra) == 0 {
		if _, err2 := claimed.Match(actual); fmt.Sprint(err2) != fmt.Sprint(err) {
			t.Fatalf("Match and MatchWith disagree: %v vs %v", err2, err)
		}
	}
}

// C14: a subject whose only digests are of algorithms that are unknown,
// spelled differently, or weak never matches.
func TestAdversarial_C14_WeakOrUnknownAlgorithm(t *testing.T) {
	actual := actualABC(t, SHA256, SHA384, SHA512)
	// Even when the caller has computed the same weak digests, they do not
	// count.
	actual["sha1"] = sha1ABC
	actual["md5"] = md5ABC
	actual["SHA256"] = right256
	actual["sha256x"] = right256
	for _, claimed := range []Set{
		{"sha256x": right256},
		{"SHA256": right256},
		{"Sha256": right256},
		{"sha-256": right256},
		{"sha256 ": right256},
		{"md5": md5ABC},
		{"sha1": sha1ABC},
		{"sha1": sha1ABC, "md5": md5ABC},
		{"gitCommit": gitSHA1},
	} {
		t.Run(fmt.Sprint(claimed.algorithms()), func(t *testing.T) {
			checkMatch(t, claimed, actual, nil, ErrNoAcceptedAlgorithm, nil)
		})
	}
	// An identifier the caller vouches for is accepted only when named.
	claimed := Set{"gce_image_id": "8970095005306000053"}
	checkMatch(t, claimed, Set{"gce_image_id": "8970095005306000053"}, nil, ErrNoAcceptedAlgorithm, nil)
	checkMatch(t, claimed, Set{"gce_image_id": "8970095005306000053"}, []string{"gce_image_id"}, nil, []string{"gce_image_id"})
	checkMatch(t, claimed, Set{"gce_image_id": "8970095005306000054"}, []string{"gce_image_id"}, ErrMismatch, nil)
	checkMatch(t, claimed, Set{"sha256": right256}, []string{"gce_image_id"}, ErrMismatch, nil)
}

// C15 (go-witness GHSA-pgpm): one wrong digest fails the match even if
// another is right, and the strongest claimed digest must be checked.
func TestAdversarial_C15_DigestDowngrade(t *testing.T) {
	all := func() Set {
		s := actualABC(t, SHA256, SHA384, SHA512)
		s["sha1"] = sha1ABC
		return s
	}
	tests := []struct {
		name    string
		claimed Set
		actual  Set
		want    error
		matched []string
	}{
		{"sha256 wrong, sha1 right", Set{"sha256": wrong256, "sha1": sha1ABC}, all(), ErrMismatch, nil},
		{"sha512 right, sha256 wrong", Set{"sha512": right512, "sha256": wrong256}, all(), ErrMismatch, nil},
		{"sha256 right, sha512 wrong", Set{"sha512": wrong512, "sha256": right256}, all(), ErrMismatch, nil},
		{"sha384 wrong between right ones", Set{"sha256": right256, "sha384": wrong384, "sha512": right512}, all(), ErrMismatch, nil},
		// The strongest claim was not computed: checking the weaker one
		// alone would be a downgrade.
		{"sha512 claimed, only sha256 computed", Set{"sha512": right512, "sha256": right256}, actualABC(t, SHA256), ErrMismatch, nil},
		{"sha512 wrong and not computed", Set{"sha512": wrong512, "sha256": right256}, actualABC(t, SHA256), ErrMismatch, nil},
		{"sha384 claimed, sha256+sha512 computed", Set{"sha384": right384, "sha256": right256}, actualABC(t, SHA256, SHA512), ErrMismatch, nil},
		// A gitCommit or extra entry never rescues a wrong sha256.
		{"gitCommit right, sha256 wrong", Set{"gitCommit": gitSHA1, "sha256": wrong256}, Set{"gitCommit": gitSHA1, "sha256": right256}, ErrMismatch, nil},
		// Both right: the weak entry is not part of the result.
		{"sha256 right, sha1 right", Set{"sha256": right256, "sha1": sha1ABC}, all(), nil, []string{"sha256"}},
		{"strongest present and right", Set{"sha512": right512, "sha256": right256}, actualABC(t, SHA512), nil, []string{"sha512"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkMatch(t, tt.claimed, tt.actual, nil, tt.want, tt.matched)
		})
	}
	// A mismatch names the algorithm and both values.
	_, err := Set{"sha256": wrong256}.Match(actualABC(t))
	var me *MismatchError
	if !errors.As(err, &me) || me.Algorithm != SHA256 || me.Claimed != wrong256 || me.Actual != right256 {
		t.Fatalf("Match error = %#v", err)
	}
	if !strings.HasPrefix(err.Error(), "digest: ") {
		t.Errorf("error %q lacks the package prefix", err)
	}
}

// C16: non-canonical encodings of a right digest are rejected, and values
// are compared in full, never as prefixes.
func TestAdversarial_C16_EncodingTricks(t *testing.T) {
	actual := actualABC(t, SHA256, SHA512)
	for _, tt := range []struct {
		name string
		v    string
	}{
		{"uppercase hex", strings.ToUpper(right256)},
		{"mixed case hex", right256[:10] + strings.ToUpper(right256[10:20]) + right256[20:]},
		{"sha256: prefix on the value", "sha256:" + right256},
		{"first 12 characters", right256[:12]},
		{"first 63 characters", right256[:63]},
		{"odd length", right256[:61]},
		{"leading whitespace", " " + right256},
		{"trailing whitespace", right256 + " "},
		{"trailing newline", right256 + "\n"},
		{"tab inside", right256[:32] + "\t" + right256[32:]},
		{"0x prefix", "0x" + right256[2:]},
		{"extra characters", right256 + "00"},
		{"NUL suffix", right256 + "\x00"},
		{"base64 of the sum", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="},
	} {
		t.Run(tt.name, func(t *testing.T) {
			claimed := Set{"sha256": tt.v}
			if err := claimed.Validate(); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Validate(%q) = %v, want ErrMalformed", tt.v, err)
			}
			checkMatch(t, claimed, actual, nil, ErrMalformed, nil)
			if _, err := Parse("sha256:" + tt.v); err == nil {
				t.Fatalf("Parse accepted %q", tt.v)
			}
			// The same trick on the strong digest next to a right weak one.
			claimed = Set{"sha256": right256, "sha512": tt.v}
			checkMatch(t, claimed, actual, nil, ErrMalformed, nil)
		})
	}
	// A canonical prefix of the actual value never matches.
	checkMatch(t, Set{"custom": right256[:12]}, Set{"custom": right256}, []string{"custom"}, ErrMismatch, nil)
}

func FuzzSetMatch(f *testing.F) {
	f.Add("sha256", right256, "sha512", right512, right256, right512)
	f.Add("sha256", wrong256, "sha1", sha1ABC, right256, right512)
	f.Add("SHA256", right256, "md5", md5ABC, right256, right512)
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, a256, a512 string) {
		claimed := Set{k1: v1, k2: v2}
		actual := Set{"sha256": a256, "sha512": a512}
		got, err := claimed.Match(actual)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrMismatch) && !errors.Is(err, ErrNoAcceptedAlgorithm) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if len(got) == 0 {
			t.Fatal("match with nothing compared")
		}
		// The rules of MatchWith, restated.
		for k, v := range claimed {
			if !Algorithm(k).Supported() {
				if _, ok := got[k]; ok {
					t.Fatalf("unaccepted algorithm %q matched", k)
				}
				continue
			}
			if a, ok := actual[k]; ok && a != v {
				t.Fatalf("%s differs (%q vs %q) but matched", k, v, a)
			}
		}
		if s := claimed.Strongest(); s != "" {
			if got[string(s)] != claimed[string(s)] {
				t.Fatalf("strongest %s was not compared", s)
			}
		}
	})
}
