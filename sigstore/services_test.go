package sigstore_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/sigstore"
)

// signingConfig builds a v0.2 signing config; rekor and tsa are JSON
// fragments ("urls", then the config object or "").
func signingConfig(ca, rekorURLs, rekorCfg, tsaURLs, tsaCfg string) string {
	s := `{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json","caUrls":[` + ca + `]`
	if rekorURLs != "" {
		s += `,"rekorTlogUrls":[` + rekorURLs + `]`
	}
	if rekorCfg != "" {
		s += `,"rekorTlogConfig":` + rekorCfg
	}
	if tsaURLs != "" {
		s += `,"tsaUrls":[` + tsaURLs + `]`
	}
	if tsaCfg != "" {
		s += `,"tsaConfig":` + tsaCfg
	}
	return s + `}`
}

func svc(url string, version int, start, end string) string {
	s := `{"url":"` + url + `","majorApiVersion":` + string(rune('0'+version)) + `,"validFor":{"start":"` + start + `"`
	if end != "" {
		s += `,"end":"` + end + `"`
	}
	return s + `},"operator":"` + strings.TrimPrefix(url, "https://") + `"}`
}

const (
	past   = "2020-01-01T00:00:00Z"
	recent = "2025-01-01T00:00:00Z"
	ended  = "2024-01-01T00:00:00Z"
	anySel = `{"selector":"ANY"}`
	allSel = `{"selector":"ALL"}`
)

func TestServicesFromSigningConfig(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	fulcio := svc("https://fulcio.example", 1, past, "")
	tsa := svc("https://tsa.example/api/v1/timestamp", 1, past, "")
	cases := []struct {
		name string
		json string
		want *sigstore.Services
	}{
		{"public good", signingConfig(fulcio, svc("https://rekor.example", 1, past, "")+","+svc("https://log2025.rekor.example", 2, recent, ""), anySel, tsa, anySel),
			&sigstore.Services{Fulcio: "https://fulcio.example", Rekor: []sigstore.RekorService{{URL: "https://log2025.rekor.example", Version: 2}}, TSA: []string{"https://tsa.example/api/v1/timestamp"}}},
		{"rekor v1 only, no tsa", signingConfig(fulcio, svc("https://rekor.example", 1, past, ""), anySel, "", ""),
			&sigstore.Services{Fulcio: "https://fulcio.example", Rekor: []sigstore.RekorService{{URL: "https://rekor.example", Version: 1}}}},
		{"ended log skipped", signingConfig(fulcio, svc("https://old.example", 2, past, ended)+","+svc("https://rekor.example", 1, past, ""), allSel, tsa, anySel),
			&sigstore.Services{Fulcio: "https://fulcio.example", Rekor: []sigstore.RekorService{{URL: "https://rekor.example", Version: 1}}, TSA: []string{"https://tsa.example/api/v1/timestamp"}}},
		{"newest fulcio", signingConfig(svc("https://old-fulcio.example", 1, past, "")+","+svc("https://fulcio.example", 1, recent, ""), svc("https://rekor.example", 1, past, ""), anySel, "", ""),
			&sigstore.Services{Fulcio: "https://fulcio.example", Rekor: []sigstore.RekorService{{URL: "https://rekor.example", Version: 1}}}},
		{"ALL logs of the best version", signingConfig(fulcio, svc("https://a.example", 2, past, "")+","+svc("https://b.example", 2, recent, ""), allSel, tsa, allSel),
			&sigstore.Services{Fulcio: "https://fulcio.example", Rekor: []sigstore.RekorService{{URL: "https://b.example", Version: 2}, {URL: "https://a.example", Version: 2}}, TSA: []string{"https://tsa.example/api/v1/timestamp"}}},
		{"EXACT 1 of 1", signingConfig(fulcio, svc("https://rekor.example", 1, past, ""), `{"selector":"EXACT","count":1}`, "", ""),
			&sigstore.Services{Fulcio: "https://fulcio.example", Rekor: []sigstore.RekorService{{URL: "https://rekor.example", Version: 1}}}},
		{"no fulcio", signingConfig("", svc("https://rekor.example", 1, past, ""), anySel, "", ""), nil},
		{"fulcio of an unknown version", signingConfig(svc("https://fulcio.example", 2, past, ""), svc("https://rekor.example", 1, past, ""), anySel, "", ""), nil},
		{"fulcio not yet valid", signingConfig(svc("https://fulcio.example", 1, "2030-01-01T00:00:00Z", ""), svc("https://rekor.example", 1, past, ""), anySel, "", ""), nil},
		{"logs without selector", signingConfig(fulcio, svc("https://rekor.example", 1, past, ""), "", "", ""), nil},
		{"tsa without selector", signingConfig(fulcio, svc("https://rekor.example", 1, past, ""), anySel, tsa, ""), nil},
		{"undefined selector", signingConfig(fulcio, svc("https://rekor.example", 1, past, ""), `{"selector":"SERVICE_SELECTOR_UNDEFINED"}`, "", ""), nil},
		{"EXACT more than there are", signingConfig(fulcio, svc("https://rekor.example", 1, past, ""), `{"selector":"EXACT","count":2}`, "", ""), nil},
		{"rekor v2 without tsa", signingConfig(fulcio, svc("https://rekor.example", 2, past, ""), anySel, "", ""), nil},
		{"rekor of an unknown version only", signingConfig(fulcio, svc("https://rekor.example", 3, past, ""), anySel, tsa, anySel), nil},
		{"fulcio not http", signingConfig(svc("file:///etc/passwd", 1, past, ""), svc("https://rekor.example", 1, past, ""), anySel, "", ""), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := sigstore.ParseSigningConfig([]byte(c.json))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			got, err := sigstore.ServicesFromSigningConfig(sc, now)
			if c.want == nil {
				if !errors.Is(err, sigstore.ErrInvalidConfig) {
					t.Fatalf("got %+v, %v; want ErrInvalidConfig", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, *c.want) {
				t.Fatalf("got %+v\nwant %+v", got, *c.want)
			}
		})
	}
	if _, err := sigstore.ServicesFromSigningConfig(nil, now); !errors.Is(err, sigstore.ErrInvalidConfig) {
		t.Fatalf("nil config: %v", err)
	}
}

func TestParseSigningConfig(t *testing.T) {
	good := signingConfig(svc("https://fulcio.example", 1, past, ""), svc("https://rekor.example", 1, past, ""), anySel, "", "")
	cases := []struct {
		name string
		json string
		ok   bool
	}{
		{"good", good, true},
		{"v0.1 media type", strings.Replace(good, "v0.2", "v0.1", 1), false},
		{"no media type", `{"caUrls":[]}`, false},
		{"duplicate key", strings.Replace(good, `{"mediaType"`, `{"mediaType":"x","mediaType"`, 1), false},
		{"unknown field", strings.Replace(good, `{"mediaType"`, `{"extra":1,"mediaType"`, 1), false},
		{"trailing data", good + "{}", false},
		{"not JSON", "signing config", false},
		{"too large", `{"mediaType":"` + strings.Repeat("a", 2<<20) + `"}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sigstore.ParseSigningConfig([]byte(c.json))
			if c.ok != (err == nil) {
				t.Fatalf("got %v", err)
			}
			if err != nil && !errors.Is(err, sigstore.ErrInvalidConfig) {
				t.Fatalf("%v does not match ErrInvalidConfig", err)
			}
		})
	}
	path := filepath.Join(t.TempDir(), "signing_config.json")
	if err := os.WriteFile(path, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := sigstore.LoadSigningConfig(path); err != nil {
		t.Fatal(err)
	}
	if _, err := sigstore.LoadSigningConfig(path + ".missing"); err == nil {
		t.Fatal("loaded a missing file")
	}
}

func FuzzParseSigningConfig(f *testing.F) {
	f.Add([]byte(signingConfig(svc("https://fulcio.example", 1, past, ""), svc("https://rekor.example", 2, past, ""), anySel, svc("https://tsa.example", 1, past, ""), anySel)))
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json"}`))
	f.Add([]byte(`{}`))
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := sigstore.ParseSigningConfig(data)
		if err != nil {
			if !errors.Is(err, sigstore.ErrInvalidConfig) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		s, err := sigstore.ServicesFromSigningConfig(sc, now)
		if err != nil {
			if !errors.Is(err, sigstore.ErrInvalidConfig) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		// Whatever was selected must make a valid configuration.
		if _, err := sigstore.NewKeyless(sigstore.KeylessConfig{Token: sigstore.StaticToken("x"), Services: s, WithoutTransparencyLogUnsafe: true}); err != nil {
			t.Fatalf("selected services %+v are rejected: %v", s, err)
		}
	})
}

func TestServicesString(t *testing.T) {
	s := sigstore.Services{Fulcio: "https://f", Rekor: []sigstore.RekorService{{URL: "https://r", Version: 2}}, TSA: []string{"https://t"}}
	if got, want := s.String(), "fulcio=https://f rekor.v2=https://r tsa=https://t"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
