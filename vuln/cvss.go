package vuln

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	cvss40 "github.com/pandatix/go-cvss/40"
)

// Score is a severity computed from a CVSS vector.
type Score struct {
	// Method is "cvss_v3" (CVSS 3.0 and 3.1) or "cvss_v4".
	Method string `json:"method"`
	// Vector is the vector string the score is computed from.
	Vector string `json:"vector"`
	// Base is the base score, 0.0-10.0.
	Base float64 `json:"base"`
	// Rating is "none", "low", "medium", "high" or "critical".
	Rating string `json:"rating"`
}

// String returns the base score with one decimal, as the in-toto vulns
// predicate and policy read it.
func (s Score) String() string { return strconv.FormatFloat(s.Base, 'f', 1, 64) }

// ScoreOf computes the score of a CVSS vector rather than taking a number
// a record states: a v3.0 or v3.1 vector (the OSV severity type CVSS_V3)
// by the specification's formulas ([CVSS3Base]), a v4.0 vector (CVSS_V4)
// by the specification's MacroVector lookup, through
// github.com/pandatix/go-cvss (its score of the metrics the vector gives:
// the base score for a base vector). Other types (CVSS_V2, distribution
// ratings) are not computed: ok is false, and a finding with no computed
// score counts as of unknown severity.
func ScoreOf(s Severity) (Score, bool) {
	switch s.Type {
	case "CVSS_V3":
		base, err := CVSS3Base(s.Score)
		if err != nil {
			return Score{}, false
		}
		return Score{Method: "cvss_v3", Vector: s.Score, Base: base, Rating: rating(base)}, true
	case "CVSS_V4":
		base, err := CVSS4Score(s.Score)
		if err != nil {
			return Score{}, false
		}
		return Score{Method: "cvss_v4", Vector: s.Score, Base: base, Rating: rating(base)}, true
	}
	return Score{}, false
}

// CVSS4Score computes the score of a CVSS v4.0 vector
// ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" is
// 9.3) with github.com/pandatix/go-cvss, which checks the vector against
// the specification (every base metric once, in order, defined values).
func CVSS4Score(vector string) (float64, error) {
	if len(vector) > 512 {
		return 0, fmt.Errorf("%w: CVSS vector of %d bytes", ErrMalformed, len(vector))
	}
	v, err := cvss40.ParseVector(vector)
	if err != nil {
		return 0, fmt.Errorf("%w: CVSS v4.0 vector %q: %v", ErrMalformed, truncate(vector), err)
	}
	return v.Score(), nil
}

func rating(b float64) string {
	switch {
	case b == 0:
		return "none"
	case b < 4:
		return "low"
	case b < 7:
		return "medium"
	case b < 9:
		return "high"
	}
	return "critical"
}

var cvss3Weights = map[string]map[string]float64{
	"AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
	"AC": {"L": 0.77, "H": 0.44},
	"PR": {"N": 0.85, "L": 0.62, "H": 0.27},
	"UI": {"N": 0.85, "R": 0.62},
	"S":  {"U": 0, "C": 0},
	"C":  {"H": 0.56, "L": 0.22, "N": 0},
	"I":  {"H": 0.56, "L": 0.22, "N": 0},
	"A":  {"H": 0.56, "L": 0.22, "N": 0},
}

// cvss3Optional are the temporal and environmental metrics a vector may
// carry, with their values; they do not change the base score.
var cvss3Optional = map[string]string{
	"E": "XUPFH", "RL": "XOTWU", "RC": "XURC",
	"CR": "XLMH", "IR": "XLMH", "AR": "XLMH",
	"MAV": "XNALP", "MAC": "XLH", "MPR": "XNLH", "MUI": "XNR", "MS": "XUC",
	"MC": "XNLH", "MI": "XNLH", "MA": "XNLH",
}

// CVSS3Base computes the base score of a CVSS v3.0 or v3.1 vector
// ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" is 9.8). Every base
// metric must appear exactly once with a defined value; temporal and
// environmental metrics are checked and ignored.
func CVSS3Base(vector string) (float64, error) {
	if len(vector) > 256 {
		return 0, fmt.Errorf("%w: CVSS vector of %d bytes", ErrMalformed, len(vector))
	}
	parts := strings.Split(vector, "/")
	v31 := false
	switch parts[0] {
	case "CVSS:3.1":
		v31 = true
	case "CVSS:3.0":
	default:
		return 0, fmt.Errorf("%w: %q is not a CVSS 3.x vector", ErrMalformed, truncate(vector))
	}
	m := map[string]string{}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, ":")
		if !ok || v == "" {
			return 0, fmt.Errorf("%w: CVSS metric %q", ErrMalformed, truncate(p))
		}
		if _, dup := m[k]; dup {
			return 0, fmt.Errorf("%w: CVSS metric %s twice", ErrMalformed, truncate(k))
		}
		if w, base := cvss3Weights[k]; base {
			if _, ok := w[v]; !ok {
				return 0, fmt.Errorf("%w: CVSS %s:%s", ErrMalformed, k, truncate(v))
			}
		} else if vals, opt := cvss3Optional[k]; !opt || len(v) != 1 || !strings.Contains(vals, v) {
			return 0, fmt.Errorf("%w: CVSS metric %q", ErrMalformed, truncate(p))
		}
		m[k] = v
	}
	for k := range cvss3Weights {
		if m[k] == "" {
			return 0, fmt.Errorf("%w: CVSS vector without %s", ErrMalformed, k)
		}
	}
	changed := m["S"] == "C"
	pr := cvss3Weights["PR"][m["PR"]]
	if changed {
		switch m["PR"] {
		case "L":
			pr = 0.68
		case "H":
			pr = 0.5
		}
	}
	iss := 1 - (1-cvss3Weights["C"][m["C"]])*(1-cvss3Weights["I"][m["I"]])*(1-cvss3Weights["A"][m["A"]])
	var impact float64
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	} else {
		impact = 6.42 * iss
	}
	expl := 8.22 * cvss3Weights["AV"][m["AV"]] * cvss3Weights["AC"][m["AC"]] * pr * cvss3Weights["UI"][m["UI"]]
	if impact <= 0 {
		return 0, nil
	}
	s := impact + expl
	if changed {
		s *= 1.08
	}
	return roundUp(math.Min(s, 10), v31), nil
}

// roundUp is the specification's Roundup: the smallest number with one
// decimal that is at least x; CVSS 3.1 defines it on integers to avoid
// floating-point error (3.0 used plain ceiling).
func roundUp(x float64, v31 bool) float64 {
	if !v31 {
		return math.Ceil(x*10) / 10
	}
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return float64(i/10000+1) / 10
}
