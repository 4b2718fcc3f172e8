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
