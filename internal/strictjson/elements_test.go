package strictjson

import (
	"errors"
	"testing"
)

// TestMaxElements: the total of array elements is bounded across arrays,
// nested or side by side, each of which is under MaxArrayLen.
func TestMaxElements(t *testing.T) {
	for _, tc := range []struct {
		doc string
		max int
		ok  bool
	}{
		{`{"a":[1,2],"b":[3,4]}`, 4, true},
		{`{"a":[1,2],"b":[3,4,5]}`, 4, false},
		{`[[1,2],[3]]`, 5, true},
		{`[[1,2],[3,4]]`, 5, false},
		{`{"a":[]}`, 1, true},
		{`{"a":[1,2,3]}`, 0, true},
	} {
		err := CheckWith([]byte(tc.doc), nil, Options{MaxBytes: 1 << 10, MaxArrayLen: 10, MaxElements: tc.max})
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrTooLarge)) {
			t.Errorf("%s with MaxElements %d: %v, want ok=%v", tc.doc, tc.max, err, tc.ok)
		}
	}
}

// TestLengths: the lengths of the arrays at the asked paths are counted
// while scanning, with or without a bound on the same path, and paths
// not asked for or absent are left alone.
func TestLengths(t *testing.T) {
	for _, tc := range []struct {
		doc    string
		maxLen map[string]int
		want   map[string]int
	}{
		{`{"components":[{},{},{}],"dependencies":[{"dependsOn":["a","b"]}]}`, nil, map[string]int{"components": 3, "dependencies": 1, "dependencies[].dependsOn": 2}},
		{`{"components":[],"x":[1,2]}`, nil, map[string]int{"components": 0, "dependencies": -7, "dependencies[].dependsOn": -7}},
		{`{"components":[1,2],"dependencies":[{"dependsOn":[1]},{"dependsOn":[1,2,3]}]}`, map[string]int{"components": 5}, map[string]int{"components": 2, "dependencies": 2, "dependencies[].dependsOn": 3}},
		{`{"a":{"components":[1,2,3,4]}}`, nil, map[string]int{"components": -7, "dependencies": -7, "dependencies[].dependsOn": -7}},
	} {
		got := map[string]int{"components": -7, "dependencies": -7, "dependencies[].dependsOn": -7}
		if err := CheckWith([]byte(tc.doc), nil, Options{MaxBytes: 1 << 10, MaxLen: tc.maxLen, Lengths: got}); err != nil {
			t.Fatalf("%s: %v", tc.doc, err)
		}
		for k, w := range tc.want {
			if got[k] != w {
				t.Errorf("%s: length of %q = %d, want %d", tc.doc, k, got[k], w)
			}
		}
	}
	// The bound still applies where a length is also asked for.
	err := CheckWith([]byte(`{"components":[1,2,3]}`), nil, Options{MaxBytes: 1 << 10, MaxLen: map[string]int{"components": 2}, Lengths: map[string]int{"components": 0}})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("bound with a length: %v", err)
	}
}
