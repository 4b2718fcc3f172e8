package vuln

import (
	"debug/elf"
	"debug/gosym"
	"encoding/binary"
	"os"
	"slices"
	"testing"
)

// TestFuncNames: the function-name reader sees exactly the functions
// debug/gosym sees, on this test binary, and refuses a truncated or
// corrupted table rather than reading past it.
func TestFuncNames(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Skip("not an ELF test binary:", err)
	}
	defer f.Close()
	s := f.Section(".gopclntab")
	if s == nil {
		t.Skip("no .gopclntab")
	}
	pcln, err := s.Data()
	if err != nil {
		t.Fatal(err)
	}
	got, ok := funcNames(pcln, f.ByteOrder)
	if !ok {
		t.Fatal("funcNames refused this binary's pclntab")
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(pcln, f.Section(".text").Addr))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, fn := range tab.Funcs {
		want = append(want, fn.Name)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%d names, gosym %d; first difference at %d", len(got), len(want), firstDiff(got, want))
	}
	if len(got) < 1000 {
		t.Fatalf("%d functions", len(got))
	}
	for _, n := range []int{0, 7, 15, 64, len(pcln) / 2} {
		funcNames(pcln[:n], f.ByteOrder) // no panic
	}
	bad := slices.Clone(pcln)
	for i := 8; i < 8+8*8 && i < len(bad); i++ {
		bad[i] = 0xff
	}
	if _, ok := funcNames(bad, f.ByteOrder); ok {
		t.Error("read a header whose offsets point outside the table")
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// FuzzFuncNames: any table gives names or false, never a panic.
func FuzzFuncNames(f *testing.F) {
	f.Add([]byte{0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8, 1, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0xfa, 0xff, 0xff, 0xff, 0, 0, 1, 4, 2, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		funcNames(data, binary.LittleEndian)
	})
}
