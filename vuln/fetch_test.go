package vuln

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, d := range files {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(d))
	}
	zw.Close()
	return buf.Bytes()
}

func TestFetch(t *testing.T) {
	good := zipOf(t, map[string]string{"a.json": recA, "b.json": recB})
	bad := zipOf(t, map[string]string{"a.json": recA, "b.json": `{"id":`})
	serve := map[string][]byte{"/good.zip": good, "/bad.zip": bad}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b, ok := serve[r.URL.Path]; ok {
			w.Write(b)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	dst := filepath.Join(t.TempDir(), "all.zip")
	sum := sha256.Sum256(good)
	db, err := Fetch(context.Background(), srv.URL+"/good.zip", dst, FetchOptions{SHA256: hex.EncodeToString(sum[:])})
	if err != nil || db.Len() != 2 {
		t.Fatalf("fetch: %v", err)
	}
	if again, err := Open(dst); err != nil || again.Len() != 2 {
		t.Fatalf("open the fetched copy: %v", err)
	}
	// Every failure leaves the copy there as it was.
	for name, tc := range map[string]struct {
		url string
		o   FetchOptions
		is  error
	}{
		"wrong digest": {srv.URL + "/good.zip", FetchOptions{SHA256: "00"}, ErrFetch},
		"unreadable":   {srv.URL + "/bad.zip", FetchOptions{}, ErrMalformed},
		"not found":    {srv.URL + "/none.zip", FetchOptions{}, ErrFetch},
		"too large":    {srv.URL + "/good.zip", FetchOptions{MaxBytes: 10}, ErrTooLarge},
		"plain http":   {"http://example.com/all.zip", FetchOptions{}, ErrFetch},
		"not a url":    {"::", FetchOptions{}, ErrFetch},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Fetch(context.Background(), tc.url, dst, tc.o); !errors.Is(err, tc.is) {
				t.Errorf("got %v, want %v", err, tc.is)
			}
			got, err := os.ReadFile(dst)
			if err != nil || !bytes.Equal(got, good) {
				t.Error("the old copy changed")
			}
		})
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dst), ".fetch-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
