// Package netpolicy holds the rule for where Chainmail sends credentials
// and fetches trust material from (standard library only).
package netpolicy

import (
	"net"
	"net/url"
)

// SecureURL reports whether u may carry a credential or trust material:
// an https URL with a host, or an http URL to a loopback host (a local
// test server; "localhost" or a loopback IP address).
func SecureURL(u *url.URL) bool {
	if u == nil || u.Host == "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return IsLoopback(u.Hostname())
	}
	return false
}

// IsLoopback reports whether host is "localhost" or a loopback IP address.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
