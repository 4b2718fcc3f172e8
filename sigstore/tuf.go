package sigstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	sgtuf "github.com/sigstore/sigstore-go/pkg/tuf"
	"github.com/theupdateframework/go-tuf/v2/metadata"
	"github.com/theupdateframework/go-tuf/v2/metadata/config"
	"github.com/theupdateframework/go-tuf/v2/metadata/updater"

	"github.com/chainmail-dev/chainmail/internal/errs"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/netpolicy"
	"github.com/chainmail-dev/chainmail/verify"
)

// DefaultTUFRepository is the TUF repository of Sigstore's public-good
// instance.
const DefaultTUFRepository = sgtuf.DefaultMirror

// StagingTUFRepository is the TUF repository of Sigstore's staging
// instance, whose root is embedded too.
const StagingTUFRepository = sgtuf.StagingMirror

// DefaultTUFTarget is the TUF target holding the trusted root.
const DefaultTUFTarget = "trusted_root.json"

// SigningConfigTUFTarget is the TUF target holding the signing config.
const SigningConfigTUFTarget = "signing_config.v0.2.json"

// maxTUFRedirects bounds the redirects followed for one download; each
// must stay on the repository's host (SECURITY.md C74).
const maxTUFRedirects = 3

// ErrOffline is returned (wrapped in verify.ErrTrustedRoot) when offline TUF
// needs something the cache does not have: nothing is ever fetched.
var ErrOffline = errors.New("sigstore: offline: not in the TUF cache")

// TUFOptions configures FetchTrustedRoot.
type TUFOptions struct {
	// CacheDir is the local TUF cache (required). Each repository gets a
	// subdirectory, created with mode 0700. The cache is trusted state:
	// metadata in it is what later updates are checked against (rollback
	// protection), so it must not be writable by others.
	CacheDir string
	// RepositoryURL is the TUF repository (default DefaultTUFRepository).
	// It must be https, except on a loopback address.
	RepositoryURL string
	// Root is the initial root metadata (root.json) that anchors trust in
	// the repository. The default is the public-good root embedded in
	// sigstore-go, and for StagingTUFRepository the staging root: any
	// other repository needs its own Root. A newer root in the cache is used
	// instead when there is one.
	Root []byte
	// Offline uses the cache only and never touches the network: the
	// cached metadata must be complete and unexpired. Without Offline,
	// the client always refreshes from the repository (the TUF workflow),
	// and fails rather than falling back to stale cached metadata.
	Offline bool
	// Transport carries the HTTP requests (default
	// http.DefaultTransport). No credentials are ever added to them.
	Transport http.RoundTripper
	// Time is the reference time for metadata expiry; zero means the
	// current time. Expired metadata is always rejected (freeze attacks,
	// SECURITY.md C64).
	Time time.Time
	// Target is the TUF target to read (default DefaultTUFTarget).
	Target string
}

// FetchTrustedRoot gets the trusted root from a TUF repository: by
// default Sigstore's public-good instance, anchored in the root embedded
// in sigstore-go, with a local cache. The TUF client is go-tuf's, which
// enforces the TUF workflow: root rotation signed by both the old and new
// keys (C65), version rollback (C63), expiry (C64), thresholds of
// distinct keys (C66, C67), hash and length of every file (C70, C71).
// Errors wrap verify.ErrTrustedRoot; with Offline, a missing file also wraps
// ErrOffline.
func FetchTrustedRoot(ctx context.Context, opts TUFOptions) (*TrustedRoot, error) {
	data, err := FetchTUFTarget(ctx, opts)
	if err != nil {
		return nil, err
	}
	return ParseTrustedRoot(data)
}

// FetchTUFTarget is FetchTrustedRoot for any target of the repository: it
// returns the target's bytes, verified by the TUF workflow, with the same
// cache, offline mode and errors. Use it for the signing config a Sigstore
// TUF repository distributes (target "signing_config.v0.2.json"), then
// parse it with package sign:
//
//	data, err := sigstore.FetchTUFTarget(ctx, sigstore.TUFOptions{CacheDir: dir, Target: "signing_config.v0.2.json"})
//	sc, err := sigstore.ParseSigningConfig(data)
func FetchTUFTarget(ctx context.Context, opts TUFOptions) ([]byte, error) {
	target := opts.Target
	if target == "" {
		target = DefaultTUFTarget
	}
	data, err := fetchTUFTargets(ctx, opts, target)
	if err != nil {
		return nil, err
	}
	return data[0], nil
}

// fetchTUFTargets refreshes the repository's metadata once and returns
// the named targets, verified, in order.
func fetchTUFTargets(ctx context.Context, opts TUFOptions, targets ...string) ([][]byte, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", verify.ErrTrustedRoot)
	}
	if opts.CacheDir == "" {
		return nil, fmt.Errorf("%w: TUFOptions.CacheDir is required", verify.ErrInvalidOptions)
	}
	repo := opts.RepositoryURL
	if repo == "" {
		repo = DefaultTUFRepository
	}
	u, err := url.Parse(repo)
	if err != nil || !netpolicy.SecureURL(u) {
		return nil, fmt.Errorf("%w: repository URL %q must be https (or http on a loopback address)", verify.ErrInvalidOptions, truncate(repo))
	}
	anchor := opts.Root
	if len(anchor) == 0 {
		switch repo {
		case DefaultTUFRepository:
			anchor = sgtuf.DefaultRoot()
		case StagingTUFRepository:
			anchor = sgtuf.StagingRoot()
		default:
			return nil, fmt.Errorf("%w: TUFOptions.Root is required for repository %q", verify.ErrInvalidOptions, truncate(repo))
		}
	}
	dir := filepath.Join(opts.CacheDir, cacheName(repo))
	for _, d := range []string{opts.CacheDir, dir, filepath.Join(dir, "targets")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("%w: cache: %v", verify.ErrTrustedRoot, err)
		}
	}
	rootBytes, err := newestRoot(anchor, filepath.Join(dir, "root.json"))
	if err != nil {
		return nil, err
	}
	cfg, err := config.New(repo, rootBytes)
	if err != nil {
		return nil, errs.Wrap(verify.ErrTrustedRoot, err)
	}
	cfg.LocalMetadataDir = dir
	cfg.LocalTargetsDir = filepath.Join(dir, "targets")
	cfg.UnsafeLocalMode = opts.Offline
	transport := opts.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	cfg.Fetcher = &tufFetcher{ctx: ctx, offline: opts.Offline, client: &http.Client{
		Transport:     transport,
		CheckRedirect: sameHostRedirects,
	}}
	up, err := updater.New(cfg)
	if err != nil {
		return nil, errs.Wrap(verify.ErrTrustedRoot, err)
	}
	if !opts.Time.IsZero() {
		up.UnsafeSetRefTime(opts.Time.UTC())
	}
	if err := up.Refresh(); err != nil {
		if opts.Offline && errors.Is(err, os.ErrNotExist) {
			return nil, errs.Wrap(verify.ErrTrustedRoot, fmt.Errorf("%w: %v", ErrOffline, err))
		}
		return nil, fmt.Errorf("%w: TUF refresh: %v", verify.ErrTrustedRoot, err)
	}
	out := make([][]byte, 0, len(targets))
	for _, target := range targets {
		info, err := up.GetTargetInfo(target)
		if err != nil {
			return nil, fmt.Errorf("%w: target %q: %v", verify.ErrTrustedRoot, truncate(target), err)
		}
		path, data, err := up.FindCachedTarget(info, "")
		if err != nil {
			return nil, fmt.Errorf("%w: cached target: %v", verify.ErrTrustedRoot, err)
		}
		if path == "" {
			if opts.Offline {
				return nil, errs.Wrap(verify.ErrTrustedRoot, fmt.Errorf("%w: target %q", ErrOffline, truncate(target)))
			}
			if _, data, err = up.DownloadTarget(info, "", ""); err != nil {
				return nil, fmt.Errorf("%w: downloading %q: %v", verify.ErrTrustedRoot, truncate(target), err)
			}
		}
		out = append(out, data)
	}
	return out, nil
}

// cacheName is the cache subdirectory of a repository: its host and path
// with every other character replaced, and a hash of the URL, so no URL
// can name a path outside the cache (SECURITY.md C69).
func cacheName(repo string) string {
	u, _ := url.Parse(repo)
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(u.Host+u.Path))
	name = strings.Trim(name, ".-")
	if len(name) > 64 {
		name = name[:64]
	}
	sum := sha256.Sum256([]byte(repo))
	return name + "-" + hex.EncodeToString(sum[:6])
}

// newestRoot returns the anchor, or the cached root.json if it is a newer
// version: the cache holds the latest root reached through verified
// rotations, and starting over from an older anchor would be a rollback.
func newestRoot(anchor []byte, cached string) ([]byte, error) {
	if err := checkTUFKeys(anchor); err != nil {
		return nil, fmt.Errorf("%w: initial TUF root: %v", verify.ErrTrustedRoot, err)
	}
	a, err := metadata.Root().FromBytes(anchor)
	if err != nil {
		return nil, fmt.Errorf("%w: initial TUF root: %v", verify.ErrTrustedRoot, err)
	}
	data, err := limits.ReadFile(cached, 512<<10)
	if errors.Is(err, os.ErrNotExist) {
		return anchor, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: cached TUF root: %v", verify.ErrTrustedRoot, err)
	}
	if err := checkTUFKeys(data); err != nil {
		return nil, fmt.Errorf("%w: cached TUF root: %v", verify.ErrTrustedRoot, err)
	}
	c, err := metadata.Root().FromBytes(data)
	if err != nil {
		return nil, fmt.Errorf("%w: cached TUF root: %v", verify.ErrTrustedRoot, err)
	}
	if c.Signed.Version > a.Signed.Version {
		return data, nil
	}
	return anchor, nil
}

// sameHostRedirects allows a few redirects on the same scheme and host,
// and strips credentials (SECURITY.md C74).
func sameHostRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= maxTUFRedirects {
		return fmt.Errorf("verify: more than %d redirects", maxTUFRedirects)
	}
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
		return fmt.Errorf("verify: redirect from %q to another host %q refused", first.Host, truncate(req.URL.Host))
	}
	req.Header.Del("Authorization")
	req.Header.Del("Cookie")
	return nil
}

// tufFetcher implements go-tuf's fetcher.Fetcher over an http.Client,
// bounded by maxLength, with the caller's context; offline, it refuses.
type tufFetcher struct {
	ctx     context.Context
	client  *http.Client
	offline bool
}

func (f *tufFetcher) DownloadFile(urlPath string, maxLength int64, _ time.Duration) ([]byte, error) {
	if f.offline {
		return nil, fmt.Errorf("%w: %s", ErrOffline, urlPath)
	}
	req, err := http.NewRequestWithContext(f.ctx, http.MethodGet, urlPath, nil)
	if err != nil {
		return nil, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &metadata.ErrDownloadHTTP{StatusCode: resp.StatusCode, URL: urlPath}
	}
	if cl := resp.Header.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n > maxLength {
			return nil, &metadata.ErrDownloadLengthMismatch{Msg: fmt.Sprintf("%s is %d bytes, limit %d", urlPath, n, maxLength)}
		}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxLength+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxLength {
		return nil, &metadata.ErrDownloadLengthMismatch{Msg: fmt.Sprintf("%s is larger than %d bytes", urlPath, maxLength)}
	}
	if strings.HasSuffix(urlPath, ".json") && !strings.Contains(urlPath, "/targets/") {
		if err := checkTUFKeys(data); err != nil {
			return nil, fmt.Errorf("verify: %s: %w", urlPath, err)
		}
	}
	return data, nil
}

// checkTUFKeys refuses metadata whose keys (a root's, or a delegation's)
// pair a key type with another type's signature scheme, or carry an
// Ed25519 key of the wrong length (SECURITY.md C73): go-tuf picks the
// verifier by key type alone and does not check the scheme. Everything
// else about the metadata is left to go-tuf.
func checkTUFKeys(data []byte) error {
	var md struct {
		Signed struct {
			Keys        map[string]tufKey `json:"keys"`
			Delegations *struct {
				Keys map[string]tufKey `json:"keys"`
			} `json:"delegations"`
		} `json:"signed"`
	}
	if err := json.Unmarshal(data, &md); err != nil {
		return nil // not this check's business: go-tuf reports it
	}
	keys := md.Signed.Keys
	if md.Signed.Delegations != nil {
		for id, k := range md.Signed.Delegations.Keys {
			if keys == nil {
				keys = map[string]tufKey{}
			}
			keys["delegation "+id] = k
		}
	}
	for id, k := range keys {
		ok := false
		switch k.Type {
		case metadata.KeyTypeEd25519:
			b, err := hex.DecodeString(k.Value.Public)
			ok = k.Scheme == metadata.KeySchemeEd25519 && err == nil && len(b) == 32
		case metadata.KeyTypeECDSA_SHA2_P256, metadata.KeyTypeECDSA_SHA2_P256_COMPAT:
			ok = k.Scheme == metadata.KeySchemeECDSA_SHA2_P256 || k.Scheme == metadata.KeySchemeECDSA_SHA2_P384
		case metadata.KeyTypeRSASSA_PSS_SHA256:
			ok = k.Scheme == metadata.KeySchemeRSASSA_PSS_SHA256
		}
		if !ok {
			return fmt.Errorf("TUF key %q: key type %q with scheme %q", truncate(id), truncate(k.Type), truncate(k.Scheme))
		}
	}
	return nil
}

type tufKey struct {
	Type   string `json:"keytype"`
	Scheme string `json:"scheme"`
	Value  struct {
		Public string `json:"public"`
	} `json:"keyval"`
}
