package vuln

import (
	"testing"

	cvss30 "github.com/pandatix/go-cvss/30"
	cvss31 "github.com/pandatix/go-cvss/31"
)

// refCVSS3 is go-cvss's base score of a v3.0 or v3.1 vector.
func refCVSS3(v string) (float64, bool) {
	if c, err := cvss31.ParseVector(v); err == nil {
		return c.BaseScore(), true
	}
	if c, err := cvss30.ParseVector(v); err == nil {
		return c.BaseScore(), true
	}
	return 0, false
}

// FuzzCVSS3Differential holds CVSS3Base to go-cvss, an implementation no
// one here wrote: a vector both accept scores alike.
func FuzzCVSS3Differential(f *testing.F) {
	for _, s := range []string{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N",
		"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:H/I:L/A:L"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		ours, err := CVSS3Base(v)
		ref, ok := refCVSS3(v)
		if err == nil && ok && ours != ref {
			t.Fatalf("CVSS3Base(%q) = %v, go-cvss %v", v, ours, ref)
		}
	})
}

// TestCVSS3Differential: every base vector (all 2,592 metric combinations
// of v3.1 and of v3.0) scores as go-cvss scores it.
func TestCVSS3Differential(t *testing.T) {
	n := 0
	for _, ver := range []string{"3.0", "3.1"} {
		for _, av := range "NALP" {
			for _, ac := range "LH" {
				for _, pr := range "NLH" {
					for _, ui := range "NR" {
						for _, s := range "UC" {
							for _, c := range "HLN" {
								for _, i := range "HLN" {
									for _, a := range "HLN" {
										v := "CVSS:" + ver + "/AV:" + string(av) + "/AC:" + string(ac) + "/PR:" + string(pr) + "/UI:" + string(ui) +
											"/S:" + string(s) + "/C:" + string(c) + "/I:" + string(i) + "/A:" + string(a)
										ours, err := CVSS3Base(v)
										ref, ok := refCVSS3(v)
										if err != nil || !ok || ours != ref {
											t.Fatalf("%s: ours %v (%v), go-cvss %v (%v)", v, ours, err, ref, ok)
										}
										n++
									}
								}
							}
						}
					}
				}
			}
		}
	}
	if n != 2*2592 {
		t.Fatalf("%d vectors", n)
	}
}
