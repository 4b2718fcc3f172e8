package errs

import (
	"errors"
	"testing"
)

func TestWrap(t *testing.T) {
	cat := errors.New("verify: malformed input")
	inner := errors.New("attest: malformed input")
	for _, tc := range []struct {
		cause error
		want  string
	}{
		{errors.New("attest: malformed input: envelope: syntax error"), "verify: malformed input: envelope: syntax error"},
		{errors.New("bundle: malformed: invalid bundle: validation error: missing bundle content"), "verify: malformed input: missing bundle content"},
		{errors.New("sbom: sbom: malformed document: sbom: bad"), "verify: malformed input: bad"},
		{errors.New("no prefix"), "verify: malformed input: no prefix"},
		{errors.New("verify: "), "verify: malformed input"},
		{nil, "verify: malformed input"},
	} {
		err := Wrap(cat, tc.cause)
		if got := err.Error(); got != tc.want {
			t.Errorf("Wrap(%v) = %q, want %q", tc.cause, got, tc.want)
		}
		if !errors.Is(err, cat) || (tc.cause != nil && !errors.Is(err, tc.cause)) {
			t.Errorf("Wrap(%v) matches neither layer", tc.cause)
		}
	}
	if err := Wrap(cat, errors.Join(inner)); !errors.Is(err, inner) {
		t.Error("a joined cause is not matched")
	}
}

func TestHexBytes(t *testing.T) {
	in := "calculated root [1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 255] does not match [1 2]"
	want := "calculated root 0102030405060708090a0b0c0d0e0fff does not match [1 2]"
	if got := HexBytes(in); got != want {
		t.Errorf("HexBytes = %q, want %q", got, want)
	}
	if got := HexBytes("[300 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]"); got != "[300 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]" {
		t.Errorf("a non-byte value was rewritten: %q", got)
	}
}
