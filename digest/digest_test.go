package digest

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// Known vectors (FIPS 180-2 "abc" and the empty string).
const (
	sha256Empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	sha256ABC   = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	sha384Empty = "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"
	sha384ABC   = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
	sha512Empty = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
	sha512ABC   = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
)

func mustParse(t testing.TB, s string) Digest {
	t.Helper()
	d, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return d
}

func TestAlgorithm(t *testing.T) {
	tests := []struct {
		alg       Algorithm
		size      int
		supported bool
	}{
		{SHA256, 32, true},
		{SHA384, 48, true},
		{SHA512, 64, true},
		{"sha1", 0, false},
		{"md5", 0, false},
		{"SHA256", 0, false},
		{"sha-256", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.alg), func(t *testing.T) {
			if got := tt.alg.Size(); got != tt.size {
				t.Errorf("Size() = %d, want %d", got, tt.size)
			}
			if got := tt.alg.Supported(); got != tt.supported {
				t.Errorf("Supported() = %v, want %v", got, tt.supported)
			}
			h := tt.alg.New()
			if (h != nil) != tt.supported {
				t.Fatalf("New() = %v, want non-nil %v", h, tt.supported)
			}
			if h != nil && h.Size() != tt.size {
				t.Errorf("New().Size() = %d, want %d", h.Size(), tt.size)
			}
			if tt.alg.String() != string(tt.alg) {
				t.Errorf("String() = %q", tt.alg.String())
			}
		})
	}
	algs := Algorithms()
	for i := 1; i < len(algs); i++ {
		if algs[i-1].strength() >= algs[i].strength() {
			t.Errorf("Algorithms() not ordered weakest first: %v", algs)
		}
	}
}

func TestParse(t *testing.T) {
	good := []struct {
		in  string
		alg Algorithm
	}{
		{"sha256:" + sha256Empty, SHA256},
		{"sha256:" + sha256ABC, SHA256},
		{"sha384:" + sha384ABC, SHA384},
		{"sha512:" + sha512ABC, SHA512},
		{"sha256:" + strings.Repeat("0", 64), SHA256},
	}
	for _, tt := range good {
		t.Run("ok/"+tt.in[:12], func(t *testing.T) {
			d, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if d.Algorithm() != tt.alg || d.String() != tt.in || d.IsZero() {
				t.Fatalf("Parse(%q) = %v (alg %q)", tt.in, d, d.Algorithm())
			}
			_, hx, _ := strings.Cut(tt.in, ":")
			if d.Hex() != hx {
				t.Errorf("Hex() = %q, want %q", d.Hex(), hx)
			}
			want, _ := hex.DecodeString(hx)
			if !bytes.Equal(d.Bytes(), want) {
				t.Errorf("Bytes() = %x, want %x", d.Bytes(), want)
			}
			b := d.Bytes()
			b[0] ^= 0xff
			if d.Bytes()[0] == b[0] {
				t.Error("Bytes() does not return a copy")
			}
		})
	}

	upper := strings.ToUpper(sha256ABC)
	bad := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrMalformed},
		{"no prefix", sha256ABC, ErrMalformed},
		{"colon only", ":", ErrUnsupportedAlgorithm},
		{"empty hex", "sha256:", ErrMalformed},
		{"uppercase hex", "sha256:" + upper, ErrMalformed},
		{"one uppercase char", "sha256:" + sha256ABC[:63] + "D", ErrMalformed},
		{"prefix inside value", "sha256:sha256:" + sha256ABC, ErrMalformed},
		{"12 char prefix", "sha256:" + sha256ABC[:12], ErrMalformed},
		{"truncated by one", "sha256:" + sha256ABC[:63], ErrMalformed},
		{"truncated by two", "sha256:" + sha256ABC[:62], ErrMalformed},
		{"one char too long", "sha256:" + sha256ABC + "0", ErrMalformed},
		{"two chars too long", "sha256:" + sha256ABC + "00", ErrMalformed},
		{"odd length", "sha256:" + sha256ABC[:61], ErrMalformed},
		{"leading space", " sha256:" + sha256ABC, ErrUnsupportedAlgorithm},
		{"space after colon", "sha256: " + sha256ABC[1:], ErrMalformed},
		{"trailing space", "sha256:" + sha256ABC + " ", ErrMalformed},
		{"trailing newline", "sha256:" + sha256ABC + "\n", ErrMalformed},
		{"embedded NUL", "sha256:" + sha256ABC[:32] + "\x00" + sha256ABC[33:], ErrMalformed},
		{"non-hex letter", "sha256:" + sha256ABC[:63] + "g", ErrMalformed},
		{"sha512 value under sha256", "sha256:" + sha512ABC, ErrMalformed},
		{"sha256 value under sha512", "sha512:" + sha256ABC, ErrMalformed},
		{"uppercase algorithm", "SHA256:" + sha256ABC, ErrUnsupportedAlgorithm},
		{"dashed algorithm", "sha-256:" + sha256ABC, ErrUnsupportedAlgorithm},
		{"sha1", "sha1:a9993e364706816aba3e25717850c26c9cd0d89d", ErrUnsupportedAlgorithm},
		{"md5", "md5:900150983cd24fb0d6963f7d28e17f72", ErrUnsupportedAlgorithm},
		{"unknown", "blake3:" + sha256ABC, ErrUnsupportedAlgorithm},
		{"long algorithm", strings.Repeat("x", 1000) + ":" + sha256ABC, ErrUnsupportedAlgorithm},
		{"multibyte hex", "sha256:" + sha256ABC[:62] + "é", ErrMalformed},
	}
	for _, tt := range bad {
		t.Run("bad/"+tt.name, func(t *testing.T) {
			d, err := Parse(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse(%q) = %v, %v; want %v", tt.in, d, err, tt.want)
			}
			if !d.IsZero() {
				t.Errorf("failed Parse returned non-zero %v", d)
			}
			if !strings.HasPrefix(err.Error(), "digest: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error message not truncated: %d bytes", len(err.Error()))
			}
		})
	}
}

func TestFromHex(t *testing.T) {
	d, err := FromHex(SHA384, sha384ABC)
	if err != nil || d != mustParse(t, "sha384:"+sha384ABC) {
		t.Fatalf("FromHex = %v, %v", d, err)
	}
	if _, err := FromHex("sha1", "a9993e364706816aba3e25717850c26c9cd0d89d"); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("FromHex(sha1) = %v, want ErrUnsupportedAlgorithm", err)
	}
	if _, err := FromHex(SHA384, strings.ToUpper(sha384ABC)); !errors.Is(err, ErrMalformed) {
		t.Errorf("FromHex(upper) = %v, want ErrMalformed", err)
	}
	if _, err := FromHex(SHA384, sha256ABC); !errors.Is(err, ErrMalformed) {
		t.Errorf("FromHex(wrong length) = %v, want ErrMalformed", err)
	}
}

func TestNewAndFromBytes(t *testing.T) {
	sum := sha256.Sum256([]byte("abc"))
	d, err := New(SHA256, sum[:])
	if err != nil || d.String() != "sha256:"+sha256ABC {
		t.Fatalf("New = %v, %v", d, err)
	}
	if _, err := New(SHA512, sum[:]); !errors.Is(err, ErrMalformed) {
		t.Errorf("New(sha512, 32 bytes) = %v, want ErrMalformed", err)
	}
	if _, err := New("sha1", make([]byte, 20)); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("New(sha1) = %v, want ErrUnsupportedAlgorithm", err)
	}
	if _, err := New(SHA256, nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("New(sha256, nil) = %v, want ErrMalformed", err)
	}
	for _, tt := range []struct {
		alg  Algorithm
		want string
	}{{SHA256, sha256ABC}, {SHA384, sha384ABC}, {SHA512, sha512ABC}} {
		d, err := FromBytes([]byte("abc"), tt.alg)
		if err != nil || d.Hex() != tt.want || d.Algorithm() != tt.alg {
			t.Errorf("FromBytes(abc, %s) = %v, %v", tt.alg, d, err)
		}
	}
	if _, err := FromBytes(nil, "sha1"); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("FromBytes(sha1) = %v, want ErrUnsupportedAlgorithm", err)
	}
}

func TestDigestComparable(t *testing.T) {
	a := mustParse(t, "sha256:"+sha256ABC)
	b, _ := FromBytes([]byte("abc"), SHA256)
	c, _ := FromBytes([]byte("abd"), SHA256)
	m := map[Digest]int{a: 1}
	if m[b] != 1 || a != b {
		t.Error("equal digests are not == or not the same map key")
	}
	if a == c {
		t.Error("different digests compare equal")
	}
	// Same bytes under another algorithm name are a different digest.
	x := Digest{alg: SHA384, hex: a.hex}
	if x == a {
		t.Error("algorithm is not part of equality")
	}
}

func TestZeroDigest(t *testing.T) {
	var d Digest
	if !d.IsZero() || d.String() != "" || d.Algorithm() != "" || d.Hex() != "" || len(d.Bytes()) != 0 {
		t.Fatalf("zero Digest: %q %q %q %x", d.String(), d.Algorithm(), d.Hex(), d.Bytes())
	}
	if _, err := d.MarshalText(); !errors.Is(err, ErrMalformed) {
		t.Errorf("MarshalText(zero) = %v, want ErrMalformed", err)
	}
	if _, err := json.Marshal(d); !errors.Is(err, ErrMalformed) {
		t.Errorf("json.Marshal(zero) = %v, want ErrMalformed", err)
	}
	if _, err := json.Marshal(map[Digest]int{d: 1}); err == nil {
		t.Error("json.Marshal of a map keyed by the zero Digest succeeded")
	}
	if err := d.UnmarshalText(nil); !errors.Is(err, ErrMalformed) || !d.IsZero() {
		t.Errorf("UnmarshalText(empty) = %v, %v", err, d)
	}
	if (Set{}).Contains(d) || NewSet(d).Contains(d) || len(NewSet(d)) != 0 {
		t.Error("the zero Digest is contained in a set")
	}
}

func TestTextJSONRoundTrip(t *testing.T) {
	for _, s := range []string{"sha256:" + sha256ABC, "sha384:" + sha384Empty, "sha512:" + sha512ABC} {
		d := mustParse(t, s)
		txt, err := d.MarshalText()
		if err != nil || string(txt) != s {
			t.Fatalf("MarshalText = %q, %v", txt, err)
		}
		var back Digest
		if err := back.UnmarshalText(txt); err != nil || back != d {
			t.Fatalf("UnmarshalText = %v, %v", back, err)
		}

		js, err := json.Marshal(d)
		if err != nil || string(js) != `"`+s+`"` {
			t.Fatalf("json.Marshal = %s, %v", js, err)
		}
		back = Digest{}
		if err := json.Unmarshal(js, &back); err != nil || back != d {
			t.Fatalf("json.Unmarshal = %v, %v", back, err)
		}

		// As a map key.
		m := map[Digest]string{d: "x"}
		js, err = json.Marshal(m)
		if err != nil || string(js) != `{"`+s+`":"x"}` {
			t.Fatalf("json.Marshal(map) = %s, %v", js, err)
		}
		var mback map[Digest]string
		if err := json.Unmarshal(js, &mback); err != nil || len(mback) != 1 || mback[d] != "x" {
			t.Fatalf("json.Unmarshal(map) = %v, %v", mback, err)
		}

		// In a struct.
		type wrap struct{ D Digest }
		js, _ = json.Marshal(wrap{d})
		var w wrap
		if err := json.Unmarshal(js, &w); err != nil || w.D != d {
			t.Fatalf("struct round trip = %v, %v", w, err)
		}
	}

	// JSON decoding applies Parse's rules, as value and as map key.
	for _, in := range []string{
		`"sha256:` + strings.ToUpper(sha256ABC) + `"`,
		`"sha256:` + sha256ABC[:12] + `"`,
		`"SHA256:` + sha256ABC + `"`,
		`""`,
		`"sha256:` + sha256ABC + ` "`,
	} {
		var d Digest
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("json.Unmarshal(%s) accepted %v", in, d)
		}
		var m map[Digest]int
		if err := json.Unmarshal([]byte(`{`+in+`:1}`), &m); err == nil {
			t.Errorf("json.Unmarshal(map key %s) accepted %v", in, m)
		}
	}
}

func TestFromReaderVectors(t *testing.T) {
	tests := []struct {
		in   string
		alg  Algorithm
		want string
	}{
		{"", SHA256, sha256Empty},
		{"", SHA384, sha384Empty},
		{"", SHA512, sha512Empty},
		{"abc", SHA256, sha256ABC},
		{"abc", SHA384, sha384ABC},
		{"abc", SHA512, sha512ABC},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(string(tt.alg)+"/"+tt.in, func(t *testing.T) {
			want := mustParse(t, string(tt.alg)+":"+tt.want)
			// Readers that return data one byte at a time, and with the
			// final data together with io.EOF, must give the same sum.
			for name, r := range map[string]io.Reader{
				"plain":    strings.NewReader(tt.in),
				"onebyte":  iotest.OneByteReader(strings.NewReader(tt.in)),
				"dataeof":  iotest.DataErrReader(strings.NewReader(tt.in)),
				"halfread": iotest.HalfReader(strings.NewReader(tt.in)),
			} {
				got, err := FromReader(r, tt.alg)
				if err != nil || got != want {
					t.Errorf("%s: FromReader = %v, %v; want %v", name, got, err, want)
				}
			}
			path := filepath.Join(dir, "f-"+string(tt.alg)+"-"+tt.in)
			if err := os.WriteFile(path, []byte(tt.in), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := FromFile(path, tt.alg)
			if err != nil || got != want {
				t.Errorf("FromFile = %v, %v; want %v", got, err, want)
			}
		})
	}
}

// bigInput returns n pseudo-random bytes (deterministic).
func bigInput(n int) []byte {
	b := make([]byte, n)
	var x uint64 = 0x9E3779B97F4A7C15
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

func TestFromReaderLarge(t *testing.T) {
	// Larger than the 1 MiB buffer and not a multiple of it.
	data := bigInput(5<<20 + 12345)
	s256 := sha256.Sum256(data)
	s384 := sha512.Sum384(data)
	s512 := sha512.Sum512(data)
	want := Set{
		"sha256": hex.EncodeToString(s256[:]),
		"sha384": hex.EncodeToString(s384[:]),
		"sha512": hex.EncodeToString(s512[:]),
	}
	got, err := SetFromReader(bytes.NewReader(data), SHA256, SHA384, SHA512)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got["sha256"] != want["sha256"] || got["sha384"] != want["sha384"] || got["sha512"] != want["sha512"] {
		t.Fatalf("SetFromReader = %v, want %v", got, want)
	}
	d, err := FromReader(iotest.HalfReader(bytes.NewReader(data)), SHA256)
	if err != nil || d.Hex() != want["sha256"] {
		t.Fatalf("FromReader = %v, %v", d, err)
	}
	path := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	fs, err := SetFromFile(path, SHA512, SHA256)
	if err != nil || fs["sha256"] != want["sha256"] || fs["sha512"] != want["sha512"] || len(fs) != 2 {
		t.Fatalf("SetFromFile = %v, %v", fs, err)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("computed set does not validate: %v", err)
	}
}

func TestSetFromReaderDefaults(t *testing.T) {
	s, err := SetFromReader(strings.NewReader("abc"))
	if err != nil || len(s) != 1 || s["sha256"] != sha256ABC {
		t.Fatalf("SetFromReader without algs = %v, %v", s, err)
	}
	if _, err := SetFromReader(strings.NewReader("abc"), SHA256, "sha1"); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("SetFromReader(sha1) = %v, want ErrUnsupportedAlgorithm", err)
	}
	if _, err := FromReader(strings.NewReader("abc"), "md5"); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("FromReader(md5) = %v, want ErrUnsupportedAlgorithm", err)
	}
	if _, err := FromFile(filepath.Join(t.TempDir(), "missing"), SHA256); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("FromFile(missing) = %v, want os.ErrNotExist", err)
	}
	if _, err := SetFromFile(t.TempDir(), SHA256); err == nil {
		t.Error("SetFromFile(directory) succeeded")
	}
}

// errAfter fails after n bytes, the way a dropped connection does.
type errAfter struct {
	r   io.Reader
	n   int
	err error
}

func (e *errAfter) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, e.err
	}
	if len(p) > e.n {
		p = p[:e.n]
	}
	n, err := e.r.Read(p)
	e.n -= n
	return n, err
}

var errBroken = errors.New("connection reset")

func TestFromReaderError(t *testing.T) {
	data := bigInput(3 << 20)
	for _, n := range []int{0, 1, 1 << 20, 2<<20 + 7} {
		r := &errAfter{r: bytes.NewReader(data), n: n, err: errBroken}
		s, err := SetFromReader(r, SHA256, SHA512)
		if !errors.Is(err, errBroken) || s != nil {
			t.Errorf("after %d bytes: SetFromReader = %v, %v; want errBroken", n, s, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "digest: ") {
			t.Errorf("error %q lacks the package prefix", err)
		}
		r = &errAfter{r: bytes.NewReader(data), n: n, err: errBroken}
		d, err := FromReader(r, SHA256)
		if !errors.Is(err, errBroken) || !d.IsZero() {
			t.Errorf("after %d bytes: FromReader = %v, %v; want errBroken", n, d, err)
		}
	}
	// iotest.ErrReader and a timeout error are propagated the same way.
	if _, err := FromReader(iotest.TimeoutReader(strings.NewReader("abc")), SHA256); !errors.Is(err, iotest.ErrTimeout) {
		t.Errorf("FromReader(TimeoutReader) = %v, want ErrTimeout", err)
	}
}

// writerToReader has a WriteTo that must not be used: FromReader reads
// with its own buffer.
type writerToReader struct{ *bytes.Reader }

func (w writerToReader) WriteTo(io.Writer) (int64, error) {
	return 0, errors.New("WriteTo must not be called")
}

func TestFromReaderIgnoresWriterTo(t *testing.T) {
	d, err := FromReader(writerToReader{bytes.NewReader([]byte("abc"))}, SHA256)
	if err != nil || d.Hex() != sha256ABC {
		t.Fatalf("FromReader = %v, %v", d, err)
	}
}

func TestFromReaderConcurrent(t *testing.T) {
	// The buffer pool must not be shared between concurrent calls.
	data := bigInput(3<<20 + 1)
	want := sha256.Sum256(data)
	errc := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			d, err := FromReader(iotest.HalfReader(bytes.NewReader(data)), SHA256)
			if err == nil && d.Hex() != hex.EncodeToString(want[:]) {
				err = errors.New("wrong digest " + d.String())
			}
			errc <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
}

func benchmarkFromReader(b *testing.B, alg Algorithm, size int) {
	data := bigInput(size)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := FromReader(bytes.NewReader(data), alg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromReader(b *testing.B) {
	for _, alg := range []Algorithm{SHA256, SHA512} {
		for _, size := range []struct {
			name string
			n    int
		}{{"1MiB", 1 << 20}, {"64MiB", 64 << 20}} {
			b.Run(string(alg)+"/"+size.name, func(b *testing.B) { benchmarkFromReader(b, alg, size.n) })
		}
	}
}

func BenchmarkSetFromReader3(b *testing.B) {
	data := bigInput(1 << 20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := SetFromReader(bytes.NewReader(data), SHA256, SHA384, SHA512); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	s := "sha256:" + sha256ABC
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"sha256:" + sha256ABC, "sha384:" + sha384ABC, "sha512:" + sha512Empty,
		"sha256:" + strings.ToUpper(sha256ABC), "sha256:" + sha256ABC[:12], "sha1:abc", "", ":", "sha256:",
		"sha256:sha256:" + sha256ABC, " sha256:" + sha256ABC, "sha256:" + sha256ABC + "\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupportedAlgorithm) {
				t.Fatalf("Parse(%q): untyped error %v", s, err)
			}
			if !d.IsZero() {
				t.Fatalf("Parse(%q) failed but returned %v", s, d)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("Parse(%q).String() = %q: the text form is not canonical", s, d.String())
		}
		if len(d.Bytes()) != d.Algorithm().Size() {
			t.Fatalf("Parse(%q): %d bytes for %s", s, len(d.Bytes()), d.Algorithm())
		}
		d2, err := New(d.Algorithm(), d.Bytes())
		if err != nil || d2 != d {
			t.Fatalf("New(Parse(%q).Bytes()) = %v, %v", s, d2, err)
		}
		txt, err := d.MarshalText()
		if err != nil || string(txt) != s {
			t.Fatalf("MarshalText = %q, %v", txt, err)
		}
		if !NewSet(d).Contains(d) {
			t.Fatalf("NewSet(%v) does not contain it", d)
		}
	})
}

func TestNilReader(t *testing.T) {
	if _, err := SetFromReader(nil); err == nil {
		t.Fatal("nil reader accepted")
	}
	if _, err := FromReader(nil, SHA256); err == nil {
		t.Fatal("nil reader accepted")
	}
}
