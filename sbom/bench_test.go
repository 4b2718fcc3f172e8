package sbom

import (
	"bytes"
	"context"
	"runtime/debug"
	"testing"
)

func benchDoc(b *testing.B) []byte {
	return readCorpus(b, "generated/cosign-v2.6.5.syft-go.cdx16.json")
}

func BenchmarkDecodeCycloneDXJSON(b *testing.B) {
	data := benchDoc(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	d, err := Decode(bytes.NewReader(benchDoc(b)))
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []Format{CycloneDX16JSON, SPDX23JSON, SPDX23TagValue} {
		b.Run(f.String(), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Marshal(d, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkValidate(b *testing.B) {
	data := benchDoc(b)
	if _, err := Validate(context.Background(), bytes.NewReader(data), ValidateOptions{}); err != nil {
		b.Fatal(err) // compiles the schema outside the loop
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Validate(context.Background(), bytes.NewReader(data), ValidateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromBuildInfo(b *testing.B) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		b.Skip("no build info")
	}
	for b.Loop() {
		if _, err := FromBuildInfo(bi); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMergeDiff(b *testing.B) {
	d, err := Decode(bytes.NewReader(benchDoc(b)))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		m, err := Merge([]*Document{d, d}, MergeOptions{})
		if err != nil {
			b.Fatal(err)
		}
		Diff(d, m)
	}
}
