package verify

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaxIdentityPatternBytes bounds an identity regular expression. Go's
// regexp package matches in linear time; the bound keeps compilation
// cheap too.
const MaxIdentityPatternBytes = 1024

// maxAcceptedIdentities bounds the identities of one policy.
const maxAcceptedIdentities = 100

// FulcioClaims are the claims a Fulcio certificate carries in its
// extensions (OIDs 1.3.6.1.4.1.57264.1.9 to .1.22), copied from the OIDC
// token of the signer, e.g. a GitHub Actions workflow. See
// https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md.
//
// In a CertificateIdentity, each non-empty field must equal the
// certificate's claim exactly. In a verified Identity, they are what the
// certificate says.
type FulcioClaims struct {
	// BuildSignerURI is the build instructions that signed, e.g.
	// "https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v1".
	BuildSignerURI string `json:"buildSignerURI,omitempty"`
	// BuildSignerDigest is an immutable reference to those instructions
	// (a commit).
	BuildSignerDigest string `json:"buildSignerDigest,omitempty"`
	// RunnerEnvironment is "github-hosted" or "self-hosted".
	RunnerEnvironment string `json:"runnerEnvironment,omitempty"`
	// SourceRepositoryURI is the repository built, e.g.
	// "https://github.com/org/repo".
	SourceRepositoryURI string `json:"sourceRepositoryURI,omitempty"`
	// SourceRepositoryDigest is the commit built.
	SourceRepositoryDigest string `json:"sourceRepositoryDigest,omitempty"`
	// SourceRepositoryRef is the ref built, e.g. "refs/tags/v1.2.3".
	SourceRepositoryRef string `json:"sourceRepositoryRef,omitempty"`
	// SourceRepositoryIdentifier is the repository's immutable id.
	SourceRepositoryIdentifier string `json:"sourceRepositoryIdentifier,omitempty"`
	// SourceRepositoryOwnerURI is the repository owner's URL.
	SourceRepositoryOwnerURI string `json:"sourceRepositoryOwnerURI,omitempty"`
	// SourceRepositoryOwnerIdentifier is the owner's immutable id.
	SourceRepositoryOwnerIdentifier string `json:"sourceRepositoryOwnerIdentifier,omitempty"`
	// BuildConfigURI is the top-level build instructions.
	BuildConfigURI string `json:"buildConfigURI,omitempty"`
	// BuildConfigDigest is an immutable reference to them.
	BuildConfigDigest string `json:"buildConfigDigest,omitempty"`
	// BuildTrigger is the event that started the build, e.g. "push".
	BuildTrigger string `json:"buildTrigger,omitempty"`
	// RunInvocationURI identifies the build run.
	RunInvocationURI string `json:"runInvocationURI,omitempty"`
	// SourceRepositoryVisibilityAtSigning is "public" or "private".
	SourceRepositoryVisibilityAtSigning string `json:"sourceRepositoryVisibilityAtSigning,omitempty"`
}

// claimOIDs maps each FulcioClaims field, in order, to its extension.
var claimOIDs = []asn1.ObjectIdentifier{
	{1, 3, 6, 1, 4, 1, 57264, 1, 9},
	{1, 3, 6, 1, 4, 1, 57264, 1, 10},
	{1, 3, 6, 1, 4, 1, 57264, 1, 11},
	{1, 3, 6, 1, 4, 1, 57264, 1, 12},
	{1, 3, 6, 1, 4, 1, 57264, 1, 13},
	{1, 3, 6, 1, 4, 1, 57264, 1, 14},
	{1, 3, 6, 1, 4, 1, 57264, 1, 15},
	{1, 3, 6, 1, 4, 1, 57264, 1, 16},
	{1, 3, 6, 1, 4, 1, 57264, 1, 17},
	{1, 3, 6, 1, 4, 1, 57264, 1, 18},
	{1, 3, 6, 1, 4, 1, 57264, 1, 19},
	{1, 3, 6, 1, 4, 1, 57264, 1, 20},
	{1, 3, 6, 1, 4, 1, 57264, 1, 21},
	{1, 3, 6, 1, 4, 1, 57264, 1, 22},
}

var (
	oidIssuerV1  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}
	oidIssuerV2  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}
	oidOtherName = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 7}
	oidSAN       = asn1.ObjectIdentifier{2, 5, 29, 17}
)

func (c *FulcioClaims) fields() []*string {
	return []*string{
		&c.BuildSignerURI, &c.BuildSignerDigest, &c.RunnerEnvironment,
		&c.SourceRepositoryURI, &c.SourceRepositoryDigest, &c.SourceRepositoryRef,
		&c.SourceRepositoryIdentifier, &c.SourceRepositoryOwnerURI, &c.SourceRepositoryOwnerIdentifier,
		&c.BuildConfigURI, &c.BuildConfigDigest, &c.BuildTrigger,
		&c.RunInvocationURI, &c.SourceRepositoryVisibilityAtSigning,
	}
}

// fieldName returns the Go name of the i-th claim, for messages.
func claimName(i int) string {
	return reflect.TypeFor[FulcioClaims]().Field(i).Name
}

// Identity is the signer identity of a verified certificate: it is only
// ever built from a certificate that chained to a trusted authority.
type Identity struct {
	// SAN is the certificate's only subject alternative name: a URI, an
	// email address, or a Fulcio username (otherName).
	SAN string
	// SANType is "uri", "email" or "othername".
	SANType string
	// Issuer is the OIDC issuer from the Fulcio issuer extension.
	Issuer string
	// Claims are the Fulcio claims of the certificate.
	Claims FulcioClaims
	// Certificate is the signing (leaf) certificate.
	Certificate *x509.Certificate
}

// CertificateIdentity is a signer identity a SigstoreVerifier accepts. The
// SAN (exactly, or by regular expression) and the OIDC issuer (exactly, or
// by regular expression) are required; every non-empty field of Claims
// must also match exactly. Regular expressions must match the whole value:
// they are anchored as ^(?:expr)$ (SECURITY.md C43), so
// "https://github.com/org/" never matches
// "https://evil.example/https://github.com/org/x".
type CertificateIdentity struct {
	// SAN is the exact subject alternative name.
	SAN string
	// SANRegexp is a regular expression for the whole SAN. Set SAN or
	// SANRegexp, not both.
	SANRegexp string
	// Issuer is the exact OIDC issuer, e.g.
	// "https://token.actions.githubusercontent.com".
	Issuer string
	// IssuerRegexp is a regular expression for the whole issuer. Set
	// Issuer or IssuerRegexp, not both.
	IssuerRegexp string
	// Claims are further Fulcio claims to require, compared exactly.
	Claims FulcioClaims
}

type certMatcher struct {
	id        CertificateIdentity
	sanRE     *regexp.Regexp
	issuerRE  *regexp.Regexp
	hasClaims bool
}

func compileIdentity(id CertificateIdentity) (*certMatcher, error) {
	m := &certMatcher{id: id}
	var err error
	switch {
	case id.SAN != "" && id.SANRegexp != "":
		return nil, fmt.Errorf("%w: set SAN or SANRegexp, not both", ErrInvalidOptions)
	case id.SAN == "" && id.SANRegexp == "":
		return nil, fmt.Errorf("%w: an identity needs a SAN or a SANRegexp; an empty one would accept anyone (use WithoutIdentityUnsafe to skip the check)", ErrInvalidOptions)
	case id.SANRegexp != "":
		if m.sanRE, err = compileAnchored(id.SANRegexp); err != nil {
			return nil, err
		}
	}
	switch {
	case id.Issuer != "" && id.IssuerRegexp != "":
		return nil, fmt.Errorf("%w: set Issuer or IssuerRegexp, not both", ErrInvalidOptions)
	case id.Issuer == "" && id.IssuerRegexp == "":
		return nil, fmt.Errorf("%w: an identity needs an Issuer or an IssuerRegexp", ErrInvalidOptions)
	case id.IssuerRegexp != "":
		if m.issuerRE, err = compileAnchored(id.IssuerRegexp); err != nil {
			return nil, err
		}
	}
	for _, f := range id.Claims.fields() {
		if *f != "" {
			m.hasClaims = true
		}
	}
	return m, nil
}

func compileAnchored(expr string) (*regexp.Regexp, error) {
	if len(expr) > MaxIdentityPatternBytes {
		return nil, fmt.Errorf("%w: regular expression of %d bytes, limit %d", ErrInvalidOptions, len(expr), MaxIdentityPatternBytes)
	}
	re, err := regexp.Compile("^(?:" + expr + ")$")
	if err != nil {
		return nil, fmt.Errorf("%w: regular expression %q: %v", ErrInvalidOptions, truncate(expr), err)
	}
	return re, nil
}

// match reports why id does not match m, or "" if it matches.
func (m *certMatcher) match(id *Identity) string {
	switch {
	case m.sanRE != nil:
		if !m.sanRE.MatchString(id.SAN) {
			return fmt.Sprintf("SAN %q does not match %q", truncate(id.SAN), truncate(m.id.SANRegexp))
		}
	case id.SAN != m.id.SAN:
		return "SAN " + differ(id.SAN, m.id.SAN)
	}
	switch {
	case m.issuerRE != nil:
		if !m.issuerRE.MatchString(id.Issuer) {
			return fmt.Sprintf("issuer %q does not match %q", truncate(id.Issuer), truncate(m.id.IssuerRegexp))
		}
	case id.Issuer != m.id.Issuer:
		return "issuer " + differ(id.Issuer, m.id.Issuer)
	}
	if m.hasClaims {
		want, got := m.id.Claims.fields(), id.Claims.fields()
		for i := range want {
			if *want[i] != "" && *want[i] != *got[i] {
				return "claim " + claimName(i) + " " + differ(*got[i], *want[i])
			}
		}
	}
	return ""
}

// differ says that got is not want, showing where they differ: short
// values whole, long ones around the first difference, so two long names
// never look equal because both were cut at the same point.
func differ(got, want string) string {
	const max = 80
	if len(got) <= max && len(want) <= max {
		return fmt.Sprintf("%q is not %q", got, want)
	}
	p := 0
	for p < len(got) && p < len(want) && got[p] == want[p] {
		p++
	}
	return fmt.Sprintf("%s is not %s (they differ from byte %d)", window(got, p), window(want, p), p)
}

// window quotes s around byte p: some context before, more after.
func window(s string, p int) string {
	lo, hi := max(0, p-24), min(len(s), p+48)
	for lo > 0 && !utf8.RuneStart(s[lo]) {
		lo--
	}
	for hi < len(s) && !utf8.RuneStart(s[hi]) {
		hi++
	}
	q := fmt.Sprintf("%q", s[lo:hi])
	if lo > 0 {
		q = "..." + q
	}
	if hi < len(s) {
		q += "..."
	}
	return q
}

// CertificateMatcher is a compiled CertificateIdentity, usable on its
// own: a policy rule on a verified signer's identity uses the same
// matching as the verifier (exact SAN or an anchored RE2 expression over
// the whole SAN, the issuer likewise, Fulcio claims exactly).
type CertificateMatcher struct{ m *certMatcher }

// NewCertificateMatcher compiles id. It needs SAN and issuer criteria: an
// empty identity is an ErrInvalidOptions error, never a wildcard, and a
// regular expression is at most MaxIdentityPatternBytes.
func NewCertificateMatcher(id CertificateIdentity) (*CertificateMatcher, error) {
	m, err := compileIdentity(id)
	if err != nil {
		return nil, err
	}
	return &CertificateMatcher{m: m}, nil
}

// Match returns nil when id matches, and otherwise an *IdentityError
// saying which field differs and where. A nil id (a key signer) never
// matches.
func (m *CertificateMatcher) Match(id *Identity) error {
	if m == nil || m.m == nil {
		return fmt.Errorf("%w: nil certificate matcher", ErrIdentityPolicy)
	}
	if id == nil {
		return &IdentityError{Reasons: []string{"the signer is a key, not a certificate"}}
	}
	if why := m.m.match(id); why != "" {
		return &IdentityError{Identity: id, Reasons: []string{why}}
	}
	return nil
}

// String describes the identity matched, for logs.
func (m *CertificateMatcher) String() string {
	if m == nil || m.m == nil {
		return "<nil>"
	}
	san, issuer := m.m.id.SAN, m.m.id.Issuer
	if m.m.sanRE != nil {
		san = "~" + m.m.id.SANRegexp
	}
	if m.m.issuerRE != nil {
		issuer = "~" + m.m.id.IssuerRegexp
	}
	return fmt.Sprintf("SAN %q, issuer %q", truncate(san), truncate(issuer))
}

// StringMatcher matches one value exactly, or by an RE2 regular expression
// anchored to the whole value. The zero StringMatcher matches nothing.
type StringMatcher struct {
	exact string
	re    *regexp.Regexp
	set   bool
}

// Exactly matches s and nothing else.
func Exactly(s string) StringMatcher { return StringMatcher{exact: s, set: true} }

// MatchingRegexp matches the values the RE2 expression expr matches as a
// whole: it is anchored at both ends, so "https://github.com/org/.*"
// never matches a value that merely contains such a prefix. expr is at
// most MaxIdentityPatternBytes.
func MatchingRegexp(expr string) (StringMatcher, error) {
	re, err := compileAnchored(expr)
	if err != nil {
		return StringMatcher{}, err
	}
	return StringMatcher{re: re, set: true}, nil
}

// Match reports whether s matches.
func (m StringMatcher) Match(s string) bool {
	switch {
	case !m.set:
		return false
	case m.re != nil:
		return m.re.MatchString(s)
	}
	return s == m.exact
}

// String describes the matcher: the value quoted, or the expression after
// a tilde.
func (m StringMatcher) String() string {
	switch {
	case !m.set:
		return "<nothing>"
	case m.re != nil:
		return "~" + strings.TrimSuffix(strings.TrimPrefix(m.re.String(), "^(?:"), ")$")
	}
	return fmt.Sprintf("%q", truncate(m.exact))
}

// IdentityPolicy says who must have signed a Sigstore bundle. Every
// SigstoreVerifier call takes one; the zero value is rejected, so
// skipping the identity check is always written out as
// WithoutIdentityUnsafe().
type IdentityPolicy struct {
	kind  identityKind
	certs []*certMatcher
	keys  []*PublicKey
}

type identityKind int

const (
	identityNone identityKind = iota
	identityCertificate
	identityKey
	identityUnsafeSkip
	identityTrustKeys // the keys of the Trust (TrustedKeys)
)

// NewIdentityPolicy accepts certificates (Fulcio) whose identity matches
// any of ids. At least one identity is required, and each needs SAN and
// issuer criteria: an empty identity is a configuration error
// (ErrInvalidOptions), never a wildcard (SECURITY.md C83).
func NewIdentityPolicy(ids ...CertificateIdentity) (IdentityPolicy, error) {
	if len(ids) == 0 {
		return IdentityPolicy{}, fmt.Errorf("%w: no certificate identity; use WithoutIdentityUnsafe to skip the check", ErrInvalidOptions)
	}
	if len(ids) > maxAcceptedIdentities {
		return IdentityPolicy{}, fmt.Errorf("%w: %d identities, limit %d", ErrInvalidOptions, len(ids), maxAcceptedIdentities)
	}
	p := IdentityPolicy{kind: identityCertificate}
	for i, id := range ids {
		m, err := compileIdentity(id)
		if err != nil {
			return IdentityPolicy{}, fmt.Errorf("identity %d: %w", i, err)
		}
		p.certs = append(p.certs, m)
	}
	return p, nil
}

// NewKeyPolicy accepts bundles signed by any of keys (not by a
// certificate). A key given here is the only key used: the bundle's key
// hint never selects another one (SECURITY.md C40).
func NewKeyPolicy(keys ...*PublicKey) (IdentityPolicy, error) {
	if len(keys) == 0 {
		return IdentityPolicy{}, fmt.Errorf("%w: no key", ErrInvalidOptions)
	}
	if len(keys) > MaxKeys {
		return IdentityPolicy{}, fmt.Errorf("%w: %d keys, limit %d", ErrInvalidOptions, len(keys), MaxKeys)
	}
	for i, k := range keys {
		if k == nil || k.id == "" {
			return IdentityPolicy{}, fmt.Errorf("%w: key %d is nil or not made by NewPublicKey", ErrInvalidOptions, i)
		}
	}
	return IdentityPolicy{kind: identityKey, keys: append([]*PublicKey(nil), keys...)}, nil
}

// WithoutIdentityUnsafe skips the identity check: any certificate that
// chains to a trusted certificate authority is accepted, whoever it was
// issued to. The result still reports the identity. Key-signed bundles
// cannot be verified this way: without a key there is nothing to check
// the signature with.
func WithoutIdentityUnsafe() IdentityPolicy { return IdentityPolicy{kind: identityUnsafeSkip} }

// String describes the policy, for logs.
func (p IdentityPolicy) String() string {
	switch p.kind {
	case identityCertificate:
		return fmt.Sprintf("%d certificate identities", len(p.certs))
	case identityKey:
		return fmt.Sprintf("%d keys", len(p.keys))
	case identityUnsafeSkip:
		return "any identity (unsafe)"
	case identityTrustKeys:
		return "the trusted keys"
	}
	return "unset"
}

// identityOf reads the signer identity of a Fulcio leaf certificate,
// applying the rules sigstore-go leaves out: exactly one SAN (C42), and an
// issuer extension that is present, well-typed and not contradicted (C44).
// Claims must be DER UTF8Strings, as Fulcio writes them.
func identityOf(cert *x509.Certificate) (*Identity, error) {
	id := &Identity{Certificate: cert}
	var err error
	if id.SAN, id.SANType, err = onlySAN(cert); err != nil {
		return nil, err
	}
	var v1, v2 *string
	seen := map[string]bool{}
	for _, e := range cert.Extensions {
		key := e.Id.String()
		if seen[key] {
			return nil, fmt.Errorf("%w: extension %s appears twice", ErrCertificate, key)
		}
		seen[key] = true
		switch {
		case e.Id.Equal(oidIssuerV1):
			s := string(e.Value)
			if !printable(s) {
				return nil, fmt.Errorf("%w: issuer extension (v1) is not printable text", ErrCertificate)
			}
			v1 = &s
		case e.Id.Equal(oidIssuerV2):
			s, err := derUTF8(e.Value)
			if err != nil {
				return nil, fmt.Errorf("%w: issuer extension: %v", ErrCertificate, err)
			}
			v2 = &s
		default:
			for i, oid := range claimOIDs {
				if e.Id.Equal(oid) {
					s, err := derUTF8(e.Value)
					if err != nil {
						return nil, fmt.Errorf("%w: extension %s: %v", ErrCertificate, key, err)
					}
					*id.Claims.fields()[i] = s
				}
			}
		}
	}
	switch {
	case v1 == nil && v2 == nil:
		return nil, fmt.Errorf("%w: no OIDC issuer extension", ErrCertificate)
	case v1 != nil && v2 != nil && *v1 != *v2:
		return nil, fmt.Errorf("%w: issuer extensions disagree: %q (v1) and %q (v2)", ErrCertificate, truncate(*v1), truncate(*v2))
	case v2 != nil:
		id.Issuer = *v2
	default:
		id.Issuer = *v1
	}
	if id.Issuer == "" {
		return nil, fmt.Errorf("%w: empty OIDC issuer", ErrCertificate)
	}
	return id, nil
}

// derUTF8 decodes a DER UTF8String with nothing after it.
func derUTF8(der []byte) (string, error) {
	var raw asn1.RawValue
	rest, err := asn1.Unmarshal(der, &raw)
	if err != nil {
		return "", err
	}
	if len(rest) != 0 {
		return "", errors.New("trailing data")
	}
	if raw.Class != asn1.ClassUniversal || raw.Tag != asn1.TagUTF8String || raw.IsCompound {
		return "", fmt.Errorf("not a UTF8String (tag %d)", raw.Tag)
	}
	if !utf8.Valid(raw.Bytes) {
		return "", errors.New("invalid UTF-8")
	}
	return string(raw.Bytes), nil
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// onlySAN returns the single subject alternative name of cert. Fulcio
// issues exactly one; a certificate with more (or of another kind) is
// refused, so a policy can never match a name other than the one the
// certificate is about (SECURITY.md C42).
func onlySAN(cert *x509.Certificate) (value, kind string, err error) {
	var ext []byte
	for _, e := range cert.Extensions {
		if e.Id.Equal(oidSAN) {
			if ext != nil {
				return "", "", fmt.Errorf("%w: two SAN extensions", ErrCertificate)
			}
			ext = e.Value
		}
	}
	if ext == nil {
		return "", "", fmt.Errorf("%w: no subject alternative name", ErrCertificate)
	}
	var seq asn1.RawValue
	rest, err := asn1.Unmarshal(ext, &seq)
	if err != nil || len(rest) != 0 || !seq.IsCompound || seq.Tag != asn1.TagSequence || seq.Class != asn1.ClassUniversal {
		return "", "", fmt.Errorf("%w: malformed SAN extension", ErrCertificate)
	}
	var names []asn1.RawValue
	for in := seq.Bytes; len(in) > 0; {
		var v asn1.RawValue
		if in, err = asn1.Unmarshal(in, &v); err != nil {
			return "", "", fmt.Errorf("%w: malformed SAN extension", ErrCertificate)
		}
		names = append(names, v)
	}
	if len(names) != 1 {
		return "", "", fmt.Errorf("%w: %d subject alternative names (Fulcio issues exactly one)", ErrCertificate, len(names))
	}
	n := names[0]
	if n.Class != asn1.ClassContextSpecific {
		return "", "", fmt.Errorf("%w: malformed SAN", ErrCertificate)
	}
	switch n.Tag {
	case 1: // rfc822Name
		value, kind = string(n.Bytes), "email"
	case 6: // uniformResourceIdentifier
		value, kind = string(n.Bytes), "uri"
	case 0: // otherName
		var other struct {
			ID    asn1.ObjectIdentifier
			Value string `asn1:"utf8,explicit,tag:0"`
		}
		rest, err := asn1.UnmarshalWithParams(n.FullBytes, &other, "tag:0")
		if err != nil || len(rest) != 0 || !other.ID.Equal(oidOtherName) {
			return "", "", fmt.Errorf("%w: unsupported otherName SAN", ErrCertificate)
		}
		value, kind = other.Value, "othername"
	default:
		return "", "", fmt.Errorf("%w: SAN of type %d (want URI, email or Fulcio username)", ErrCertificate, n.Tag)
	}
	if value == "" || !printable(value) {
		return "", "", fmt.Errorf("%w: empty or unprintable SAN", ErrCertificate)
	}
	if strings.ContainsAny(value, "\x00") {
		return "", "", fmt.Errorf("%w: SAN contains NUL", ErrCertificate)
	}
	return value, kind, nil
}
