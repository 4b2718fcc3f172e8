package vuln

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/chainmail-dev/chainmail/internal/netpolicy"
)

// ErrFetch: a database could not be fetched, or what was fetched is not
// what was asked for.
var ErrFetch = errors.New("fetching vulnerability data")

// FetchOptions configure Fetch.
type FetchOptions struct {
	// Client is the HTTP client; nil means http.DefaultClient.
	Client *http.Client
	// SHA256, when set (lowercase hex), is the digest the download must
	// have. Without it the download is still checked by reading every
	// record (as Open does) before it replaces the old copy.
	SHA256 string
	// MaxBytes bounds the download; 0 means 1 GiB.
	MaxBytes int64
}

// Fetch downloads a zip of OSV records (osv.dev publishes one per
// ecosystem, https://osv-vulnerabilities.storage.googleapis.com/ECOSYSTEM/all.zip)
// from a URL the caller gives to the file dst, for Open to read offline.
// Only https URLs are fetched (http for loopback addresses). The download
// is bounded, checked against FetchOptions.SHA256 when given, and opened
// as a database (every record parsed) before it replaces dst in one
// rename: a failed fetch leaves the old copy as it was. It returns the
// database it read.
func Fetch(ctx context.Context, rawURL, dst string, o FetchOptions) (*DB, error) {
	u, err := url.Parse(rawURL)
	if err != nil || !netpolicy.SecureURL(u) {
		return nil, fmt.Errorf("%w: %q is not an https URL (http only for loopback)", ErrFetch, truncate(rawURL))
	}
	client := o.Client
	if client == nil {
		client = http.DefaultClient
	}
	max := o.MaxBytes
	if max <= 0 {
		max = 1 << 30
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s: HTTP %d", ErrFetch, u.Redacted(), resp.StatusCode)
	}
	if resp.ContentLength > max {
		return nil, fmt.Errorf("%w: %s: %d bytes, limit %d", ErrTooLarge, u.Redacted(), resp.ContentLength, max)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".fetch-*.zip")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(resp.Body, max+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrFetch, u.Redacted(), err)
	}
	if n > max {
		return nil, fmt.Errorf("%w: %s: more than %d bytes", ErrTooLarge, u.Redacted(), max)
	}
	if got := hex.EncodeToString(h.Sum(nil)); o.SHA256 != "" && got != strings.ToLower(o.SHA256) {
		return nil, fmt.Errorf("%w: %s: sha256 %s, want %s", ErrFetch, u.Redacted(), got, strings.ToLower(o.SHA256))
	}
	db, err := Open(tmp.Name())
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrFetch, u.Redacted(), err)
	}
	db.source = dst
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	return db, nil
}
