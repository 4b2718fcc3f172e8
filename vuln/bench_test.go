package vuln

import "testing"

// go test ./vuln -run '^$' -bench . -benchmem

func BenchmarkOpen(b *testing.B) {
	for b.Loop() {
		if _, err := Open("testdata/osv"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanSBOM: cosign v2.6.5's module graph (803 modules) against
// the records about it.
func BenchmarkScanSBOM(b *testing.B) {
	db, err := Open("testdata/osv")
	if err != nil {
		b.Fatal(err)
	}
	d := purlDocument(b, "testdata/cosign-v2.6.5.purls")
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.ScanSBOM(d, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCVSS3Base(b *testing.B) {
	for b.Loop() {
		if _, err := CVSS3Base("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"); err != nil {
			b.Fatal(err)
		}
	}
}
