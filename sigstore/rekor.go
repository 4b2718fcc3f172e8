package sigstore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	httptransport "github.com/go-openapi/runtime/client"
	"github.com/go-openapi/strfmt"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	rekortilespb "github.com/sigstore/rekor-tiles/v2/pkg/generated/protobuf"
	rekorclient "github.com/sigstore/rekor/pkg/generated/client"
	"github.com/sigstore/rekor/pkg/generated/client/entries"
	"google.golang.org/protobuf/encoding/protojson"
)

// rekorV2Client adds entries to a Rekor v2 (rekor-tiles) log. It is
// sigstore-go's RekorV2Client, speaking the same protocol as rekor-tiles'
// own writer (POST {base}/api/v2/log/entries, protojson both ways, 201
// Created), but through a serviceTransport: the writer cannot take a
// transport, so it could neither retry nor report statuses.
type rekorV2Client struct {
	base *url.URL
	http *http.Client
}

const rekorV2AddPath = "api/v2/log/entries"

// Add submits entry, which must be a
// *rekortilespb.HashedRekordRequestV002, and returns the entry the log
// created; an answer other than 201 Created is an error.
func (c *rekorV2Client) Add(ctx context.Context, entry any) (*protorekor.TransparencyLogEntry, error) {
	h, ok := entry.(*rekortilespb.HashedRekordRequestV002)
	if !ok {
		return nil, fmt.Errorf("%w: unsupported Rekor v2 entry type %T", ErrInvalidConfig, entry)
	}
	payload, err := protojson.Marshal(&rekortilespb.CreateEntryRequest{
		Spec: &rekortilespb.CreateEntryRequest_HashedRekordRequestV002{HashedRekordRequestV002: h},
	})
	if err != nil {
		return nil, fmt.Errorf("encoding the entry: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base.JoinPath(rekorV2AddPath).String(), bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("unexpected status %d: %s", resp.StatusCode, snippet(resp.Body))
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	tle := new(protorekor.TransparencyLogEntry)
	if err := protojson.Unmarshal(body, tle); err != nil {
		return nil, fmt.Errorf("decoding the entry: %w", err)
	}
	return tle, nil
}

// rekorV1Client is Rekor's generated client over a serviceTransport
// (rekor's own constructor builds its transport itself).
func rekorV1Client(base *url.URL, hc *http.Client) entries.ClientService {
	path := base.Path
	if path == "" {
		path = rekorclient.DefaultBasePath
	}
	rt := httptransport.NewWithClient(base.Host, path, []string{base.Scheme}, hc)
	return rekorclient.New(rt, strfmt.Default).Entries
}

func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil {
		return nil, fmt.Errorf("%w: URL %q", ErrInvalidConfig, truncate(raw))
	}
	return u, nil
}
