package netpolicy

import (
	"net/url"
	"testing"
)

func TestSecureURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"https://tuf-repo-cdn.sigstore.dev", true},
		{"https://example.com:8443/path", true},
		{"http://127.0.0.1:8080/", true},
		{"http://[::1]:8080/", true},
		{"http://localhost/x", true},
		{"http://127.1.2.3/", true},
		{"http://example.com/", false},
		{"http://localhost.example.com/", false},
		{"http://10.0.0.1/", false},
		{"ftp://127.0.0.1/", false},
		{"file:///etc/passwd", false},
		{"https://", false},
		{"/relative/path", false},
		{"HTTPS://example.com", true}, // url.Parse lower-cases the scheme
	} {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatalf("%s: %v", tc.url, err)
		}
		if got := SecureURL(u); got != tc.want {
			t.Errorf("SecureURL(%s) = %v, want %v", tc.url, got, tc.want)
		}
	}
	if SecureURL(nil) {
		t.Error("SecureURL(nil) = true")
	}
}
