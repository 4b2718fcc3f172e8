package sigstore

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	prototrustroot "github.com/sigstore/protobuf-specs/gen/pb-go/trustroot/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	sgsign "github.com/sigstore/sigstore-go/pkg/sign"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// Services are the endpoints one keyless signing uses. Build them by hand
// or with ServicesFromSigningConfig.
type Services struct {
	// Fulcio is the base URL of the certificate authority, e.g.
	// "https://fulcio.sigstore.dev".
	Fulcio string
	// Rekor are the transparency logs; each one records the signature.
	Rekor []RekorService
	// TSA are RFC 3161 timestamp endpoints, full URLs, e.g.
	// "https://timestamp.sigstore.dev/api/v1/timestamp"; each one
	// timestamps the signature.
	TSA []string
}

// RekorService is one transparency log.
type RekorService struct {
	// URL is the log's base URL, e.g. "https://rekor.sigstore.dev".
	URL string
	// Version is the major API version: 1 (Rekor) or 2 (rekor-tiles).
	Version uint32
}

// MaxServices bounds the transparency logs and the timestamp authorities
// of one signing (each is contacted in turn).
const MaxServices = 8

// maxSigningConfigBytes bounds a signing config document.
const maxSigningConfigBytes = 1 << 20

func (s Services) validate() error {
	if err := checkServiceURL(s.Fulcio, "Fulcio"); err != nil {
		return err
	}
	if len(s.Rekor) > MaxServices || len(s.TSA) > MaxServices {
		return fmt.Errorf("%w: at most %d transparency logs and %d timestamp authorities", ErrInvalidConfig, MaxServices, MaxServices)
	}
	v2 := false
	seen := map[string]bool{}
	for _, r := range s.Rekor {
		if err := checkServiceURL(r.URL, "Rekor"); err != nil {
			return err
		}
		// Verifiers count one entry per log: a log listed twice would
		// make a bundle that cannot meet its own threshold.
		if key := strings.TrimSuffix(r.URL, "/"); seen[key] {
			return fmt.Errorf("%w: Rekor %q listed twice", ErrInvalidConfig, truncate(r.URL))
		} else {
			seen[key] = true
		}
		switch r.Version {
		case 1:
		case 2:
			v2 = true
		default:
			return fmt.Errorf("%w: Rekor API version %d (want 1 or 2)", ErrInvalidConfig, r.Version)
		}
	}
	for _, t := range s.TSA {
		if err := checkServiceURL(t, "timestamp authority"); err != nil {
			return err
		}
		if key := "tsa " + strings.TrimSuffix(t, "/"); seen[key] {
			return fmt.Errorf("%w: timestamp authority %q listed twice", ErrInvalidConfig, truncate(t))
		} else {
			seen[key] = true
		}
	}
	// Rekor v2 entries carry no integrated time, and a Fulcio certificate
	// lives ten minutes: without a signed timestamp nothing would prove
	// the signature was made while the certificate was valid.
	if v2 && len(s.TSA) == 0 {
		return fmt.Errorf("%w: Rekor v2 needs a timestamp authority (its entries carry no signing time)", ErrInvalidConfig)
	}
	return nil
}

func checkServiceURL(raw, what string) error {
	if raw == "" {
		return fmt.Errorf("%w: no %s URL", ErrInvalidConfig, what)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%w: %s URL %q is not an http(s) URL", ErrInvalidConfig, what, truncate(raw))
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%w: %s URL %q must not have user info, a query or a fragment", ErrInvalidConfig, what, truncate(safeURL(u)))
	}
	return nil
}

// SigningConfig is a Sigstore signing config: which Fulcio, Rekor logs
// and timestamp authorities a deployment signs with, and when each is
// valid. Get one with ParseSigningConfig, LoadSigningConfig or
// FetchInstance; turn it into Services with ServicesFromSigningConfig.
type SigningConfig struct {
	sc *root.SigningConfig
}

// MarshalJSON returns the signing config's JSON.
func (c *SigningConfig) MarshalJSON() ([]byte, error) {
	if c == nil || c.sc == nil {
		return nil, fmt.Errorf("%w: zero signing config", ErrInvalidConfig)
	}
	return c.sc.MarshalJSON()
}

// ParseSigningConfig decodes a Sigstore SigningConfig (media type
// application/vnd.dev.sigstore.signingconfig.v0.2+json) strictly: at most
// 1 MiB, no duplicate keys, no unknown fields.
func ParseSigningConfig(data []byte) (*SigningConfig, error) {
	if err := strictjson.Check(data, nil, maxSigningConfigBytes); err != nil {
		return nil, fmt.Errorf("%w: signing config: %v", ErrInvalidConfig, err)
	}
	pb := new(prototrustroot.SigningConfig)
	if err := protojson.Unmarshal(data, pb); err != nil {
		return nil, fmt.Errorf("%w: signing config: %v", ErrInvalidConfig, err)
	}
	sc, err := root.NewSigningConfigFromProtobuf(pb)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidConfig, err)
	}
	return &SigningConfig{sc: sc}, nil
}

// LoadSigningConfig reads a signing config file (see ParseSigningConfig).
func LoadSigningConfig(path string) (*SigningConfig, error) {
	data, err := limits.ReadFile(path, maxSigningConfigBytes)
	if err != nil {
		return nil, fmt.Errorf("sigstore: signing config: %w", err)
	}
	return ParseSigningConfig(data)
}

// ServicesFromSigningConfig picks the services to use at time now from a
// signing config (a file, or the one a TUF repository distributes): the
// newest valid Fulcio of a supported API version, and the transparency
// logs and timestamp authorities its selectors ask for (ALL, ANY, EXACT
// n), preferring the highest API version, as sigstore-go does. A log or
// timestamp authority list without a selector is an error.
func ServicesFromSigningConfig(c *SigningConfig, now time.Time) (Services, error) {
	if c == nil || c.sc == nil {
		return Services{}, fmt.Errorf("%w: nil signing config", ErrInvalidConfig)
	}
	sc := c.sc
	if sc == nil {
		return Services{}, fmt.Errorf("%w: nil signing config", ErrInvalidConfig)
	}
	// Work on the protobuf form: sigstore-go's accessors dereference
	// optional selector configs without checking them.
	raw, err := sc.MarshalJSON()
	if err != nil {
		return Services{}, fmt.Errorf("%w: signing config: %v", ErrInvalidConfig, err)
	}
	pb := new(prototrustroot.SigningConfig)
	if err := protojson.Unmarshal(raw, pb); err != nil {
		return Services{}, fmt.Errorf("%w: signing config: %v", ErrInvalidConfig, err)
	}
	var s Services
	ca, err := root.SelectService(toServices(pb.GetCaUrls()), sgsign.FulcioAPIVersions, now)
	if err != nil {
		return Services{}, fmt.Errorf("%w: signing config: Fulcio: %v", ErrInvalidConfig, err)
	}
	s.Fulcio = ca.URL
	if urls := pb.GetRekorTlogUrls(); len(urls) > 0 {
		logs, err := selectServices(urls, pb.GetRekorTlogConfig(), sgsign.RekorAPIVersions, now, "transparency logs")
		if err != nil {
			return Services{}, err
		}
		for _, l := range logs {
			s.Rekor = append(s.Rekor, RekorService{URL: l.URL, Version: l.MajorAPIVersion})
		}
	}
	if urls := pb.GetTsaUrls(); len(urls) > 0 {
		tsas, err := selectServices(urls, pb.GetTsaConfig(), sgsign.TimestampAuthorityAPIVersions, now, "timestamp authorities")
		if err != nil {
			return Services{}, err
		}
		for _, t := range tsas {
			s.TSA = append(s.TSA, t.URL)
		}
	}
	if err := s.validate(); err != nil {
		return Services{}, fmt.Errorf("signing config: %w", err)
	}
	return s, nil
}

func selectServices(urls []*prototrustroot.Service, cfg *prototrustroot.ServiceConfiguration, versions []uint32, now time.Time, what string) ([]root.Service, error) {
	if cfg == nil || cfg.GetSelector() == prototrustroot.ServiceSelector_SERVICE_SELECTOR_UNDEFINED {
		return nil, fmt.Errorf("%w: signing config: %s without a selector", ErrInvalidConfig, what)
	}
	out, err := root.SelectServices(toServices(urls), root.ServiceConfiguration{Selector: cfg.GetSelector(), Count: cfg.GetCount()}, versions, now)
	if err != nil {
		return nil, fmt.Errorf("%w: signing config: %s: %v", ErrInvalidConfig, what, err)
	}
	return out, nil
}

func toServices(in []*prototrustroot.Service) []root.Service {
	out := make([]root.Service, 0, len(in))
	for _, s := range in {
		out = append(out, root.NewService(s))
	}
	return out
}

// String describes the services, for logs.
func (s Services) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fulcio=%s", s.Fulcio)
	for _, r := range s.Rekor {
		fmt.Fprintf(&b, " rekor.v%d=%s", r.Version, r.URL)
	}
	for _, t := range s.TSA {
		fmt.Fprintf(&b, " tsa=%s", t)
	}
	return b.String()
}
