package sigstore_test

// SECURITY.md area F: fetching the trusted root by TUF, against a local
// TUF repository served on 127.0.0.1 (go-tuf's metadata package builds
// and signs it).

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// tufRepo is a TUF repository in memory, served over HTTP on 127.0.0.1.
type tufRepo struct {
	t        *testing.T
	mu       sync.Mutex
	files    map[string][]byte // URL path (without "/") -> content
	keys     map[string][]ed25519.PrivateKey
	root     *metadata.Metadata[metadata.RootType]
	targets  *metadata.Metadata[metadata.TargetsType]
	snapshot *metadata.Metadata[metadata.SnapshotType]
	ts       *metadata.Metadata[metadata.TimestampType]
	srv      *httptest.Server
	requests []*http.Request
	// handler, when set, serves instead of the files.
	handler func(w http.ResponseWriter, r *http.Request) bool
	payload []byte // trusted_root.json
}

var tufRoles = []string{metadata.ROOT, metadata.TIMESTAMP, metadata.SNAPSHOT, metadata.TARGETS}

func newKey() ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

func newTUFRepo(t *testing.T, payload []byte) *tufRepo {
	t.Helper()
	r := &tufRepo{t: t, files: map[string][]byte{}, keys: map[string][]ed25519.PrivateKey{}, payload: payload}
	expires := time.Now().AddDate(1, 0, 0)
	r.root = metadata.Root(expires)
	for _, role := range tufRoles {
		k := newKey()
		r.keys[role] = []ed25519.PrivateKey{k}
		tk, err := metadata.KeyFromPublicKey(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		if err := r.root.Signed.AddKey(tk, role); err != nil {
			t.Fatal(err)
		}
	}
	r.targets = metadata.Targets(expires)
	r.snapshot = metadata.Snapshot(expires)
	r.ts = metadata.Timestamp(expires)
	r.publishRoot(r.keys[metadata.ROOT]...)
	r.publishTargets(payload)
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *tufRepo) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.requests = append(r.requests, req.Clone(context.Background()))
	h := r.handler
	data, ok := r.files[strings.TrimPrefix(req.URL.Path, "/")]
	r.mu.Unlock()
	if h != nil && h(w, req) {
		return
	}
	if !ok {
		http.NotFound(w, req)
		return
	}
	w.Write(data)
}

func signer(t *testing.T, k ed25519.PrivateKey) signature.Signer {
	t.Helper()
	s, err := signature.LoadSigner(k, crypto.Hash(0))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (r *tufRepo) put(name string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.files[name] = data
}

func toBytes[T metadata.Roles](t *testing.T, m *metadata.Metadata[T]) []byte {
	t.Helper()
	b, err := m.ToBytes(false)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// publishRoot signs the current root with keys and publishes it as
// <version>.root.json.
func (r *tufRepo) publishRoot(keys ...ed25519.PrivateKey) {
	r.root.ClearSignatures()
	for _, k := range keys {
		if _, err := r.root.Sign(signer(r.t, k)); err != nil {
			r.t.Fatal(err)
		}
	}
	r.put(fmt.Sprintf("%d.root.json", r.root.Signed.Version), toBytes(r.t, r.root))
}

// publishTargets publishes payload as trusted_root.json with new
// targets, snapshot and timestamp versions.
func (r *tufRepo) publishTargets(payload []byte) {
	r.targets.Signed.Targets = map[string]*metadata.TargetFiles{}
	r.addTarget(sigstore.DefaultTUFTarget, payload)
}

// addTarget publishes one more target (consistent snapshot naming) and
// signs the targets role.
func (r *tufRepo) addTarget(name string, payload []byte) {
	t := r.t
	tf, err := metadata.TargetFile().FromBytes(name, payload, "sha256")
	if err != nil {
		t.Fatal(err)
	}
	r.targets.Signed.Targets[name] = tf
	sum := sha256.Sum256(payload)
	r.put("targets/"+hex.EncodeToString(sum[:])+"."+name, payload)
	r.signTargets()
}

// publish signs md with the keys of role and serves it as file.
func publish[T metadata.Roles](r *tufRepo, md *metadata.Metadata[T], role, file string) {
	md.ClearSignatures()
	for _, k := range r.keys[role] {
		md.Sign(signer(r.t, k))
	}
	r.put(file, toBytes(r.t, md))
}

func (r *tufRepo) signTargets() {
	publish(r, r.targets, metadata.TARGETS, fmt.Sprintf("%d.targets.json", r.targets.Signed.Version))
	r.snapshot.Signed.Meta["targets.json"] = metadata.MetaFile(r.targets.Signed.Version)
	r.signSnapshot()
}

func (r *tufRepo) signSnapshot() {
	publish(r, r.snapshot, metadata.SNAPSHOT, fmt.Sprintf("%d.snapshot.json", r.snapshot.Signed.Version))
	r.ts.Signed.Meta["snapshot.json"] = metadata.MetaFile(r.snapshot.Signed.Version)
	r.signTimestamp()
}

func (r *tufRepo) signTimestamp() {
	publish(r, r.ts, metadata.TIMESTAMP, "timestamp.json")
}

// bump publishes new versions of targets, snapshot and timestamp.
func (r *tufRepo) bump() {
	r.targets.Signed.Version++
	r.snapshot.Signed.Version++
	r.ts.Signed.Version++
	r.publishTargets(r.payload)
}

// rootBytes is version 1 of the root: the trust anchor.
func (r *tufRepo) anchor() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.files["1.root.json"]
}

func (r *tufRepo) opts(cache string) sigstore.TUFOptions {
	return sigstore.TUFOptions{CacheDir: cache, RepositoryURL: r.srv.URL, Root: r.anchor()}
}

func (r *tufRepo) fetch(cache string) (*sigstore.TrustedRoot, error) {
	return sigstore.FetchTrustedRoot(context.Background(), r.opts(cache))
}

func (r *tufRepo) requestCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.requests)
}

// tufPayload is a trusted root to distribute.
func tufPayload(t *testing.T) []byte {
	t.Helper()
	data, err := sigstoretest.Shared(t).Trusted.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func sameRoot(t *testing.T, tr *sigstore.TrustedRoot, want []byte) {
	t.Helper()
	got, err := tr.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatal("fetched trusted root differs from the published one")
	}
}

func TestFetchTrustedRootOnlineThenOffline(t *testing.T) {
	payload := tufPayload(t)
	r := newTUFRepo(t, payload)
	cache := t.TempDir()
	tr, err := r.fetch(cache)
	if err != nil {
		t.Fatal(err)
	}
	sameRoot(t, tr, payload)
	// The fetched root verifies bundles of the test Sigstore.
	s := sigstoretest.Shared(t)
	b := s.Sign(t, sigstoretest.SignOpts{})
	v, _ := sigstoretest.NewVerifier(tr)
	if _, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t)); err != nil {
		t.Fatal(err)
	}
	// Offline: no request at all, through a transport that fails the test.
	before := r.requestCount()
	o := r.opts(cache)
	o.Offline = true
	o.Transport = sigstoretest.RoundTripFunc(func(req *http.Request) (*http.Response, error) {
		t.Errorf("offline TUF made a request: %s", req.URL)
		return nil, errors.New("denied")
	})
	tr, err = sigstore.FetchTrustedRoot(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	sameRoot(t, tr, payload)
	if n := r.requestCount(); n != before {
		t.Fatalf("%d requests offline", n-before)
	}
	// Offline with an empty cache: nothing to use, and nothing fetched.
	o.CacheDir = t.TempDir()
	_, err = sigstore.FetchTrustedRoot(context.Background(), o)
	if !errors.Is(err, verify.ErrTrustedRoot) || !errors.Is(err, sigstore.ErrOffline) {
		t.Fatalf("empty cache offline: %v", err)
	}
}

func TestFetchTrustedRootOptions(t *testing.T) {
	for _, o := range []sigstore.TUFOptions{
		{},
		{CacheDir: t.TempDir(), RepositoryURL: "http://example.com/repo"},
		{CacheDir: t.TempDir(), RepositoryURL: "ftp://127.0.0.1/x", Root: []byte("{}")},
		{CacheDir: t.TempDir(), RepositoryURL: "https://example.com/custom"},
	} {
		if _, err := sigstore.FetchTrustedRoot(context.Background(), o); !errors.Is(err, verify.ErrInvalidOptions) {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

func TestAdversarial_C63_TUFRollback(t *testing.T) {
	payload := tufPayload(t)
	for _, tc := range []struct {
		name string
		// kept are the cached files that must not change: the rolled-back
		// role and those below it (a newer timestamp or snapshot that
		// verified is rightly kept).
		kept []string
		roll func(r *tufRepo)
	}{
		{"timestamp version lower than cached", []string{"timestamp.json", "snapshot.json", "targets.json", "root.json"}, func(r *tufRepo) {
			r.ts.Signed.Version = 1
			r.signTimestamp()
		}},
		{"snapshot version in timestamp lower than cached", []string{"snapshot.json", "targets.json", "root.json"}, func(r *tufRepo) {
			r.ts.Signed.Version++
			r.ts.Signed.Meta["snapshot.json"] = metadata.MetaFile(1)
			r.signTimestamp()
		}},
		{"targets version in snapshot lower than cached", []string{"targets.json", "root.json"}, func(r *tufRepo) {
			r.snapshot.Signed.Version++
			r.snapshot.Signed.Meta["targets.json"] = metadata.MetaFile(1)
			r.ts.Signed.Version++
			r.signSnapshot()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newTUFRepo(t, payload)
			r.bump() // version 2 of targets, snapshot, timestamp
			cache := t.TempDir()
			if _, err := r.fetch(cache); err != nil {
				t.Fatal(err)
			}
			var before [][]byte
			for _, f := range tc.kept {
				before = append(before, cacheFile(t, cache, f))
			}
			tc.roll(r)
			_, err := r.fetch(cache)
			sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
			for i, f := range tc.kept {
				if string(cacheFile(t, cache, f)) != string(before[i]) {
					t.Errorf("cached %s changed after a rollback", f)
				}
			}
		})
	}
}

func TestAdversarial_C64_TUFFreeze(t *testing.T) {
	payload := tufPayload(t)
	past := time.Now().Add(-time.Hour)
	t.Run("expired timestamp served", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		r.ts.Signed.Expires = past
		r.signTimestamp()
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	for _, role := range []string{"snapshot", "targets"} {
		t.Run("expired "+role+" served", func(t *testing.T) {
			r := newTUFRepo(t, payload)
			if role == "snapshot" {
				r.snapshot.Signed.Expires = past
				r.signSnapshot()
			} else {
				r.targets.Signed.Expires = past
				r.signTargets()
			}
			_, err := r.fetch(t.TempDir())
			sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
		})
	}
	t.Run("expired root", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		r.root.Signed.Expires = past
		r.publishRoot(r.keys[metadata.ROOT]...)
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("cached metadata expired, offline", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		cache := t.TempDir()
		if _, err := r.fetch(cache); err != nil {
			t.Fatal(err)
		}
		o := r.opts(cache)
		o.Offline = true
		o.Time = time.Now().AddDate(2, 0, 0)
		_, err := sigstore.FetchTrustedRoot(context.Background(), o)
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("expired local root can be updated", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		cache := t.TempDir()
		if _, err := r.fetch(cache); err != nil {
			t.Fatal(err)
		}
		// Version 2 of the root, valid for longer; the local version 1
		// expires (reference time in its future).
		later := time.Now().AddDate(2, 0, 0)
		r.root.Signed.Version = 2
		r.root.Signed.Expires = later.AddDate(1, 0, 0)
		r.publishRoot(r.keys[metadata.ROOT]...)
		r.targets.Signed.Expires = later.AddDate(0, 1, 0)
		r.snapshot.Signed.Expires = later.AddDate(0, 1, 0)
		r.ts.Signed.Expires = later.AddDate(0, 1, 0)
		r.bump()
		o := r.opts(cache)
		o.Time = later
		if _, err := sigstore.FetchTrustedRoot(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAdversarial_C65_TUFRootRotation(t *testing.T) {
	payload := tufPayload(t)
	rotate := func(r *tufRepo) (old, new ed25519.PrivateKey) {
		old = r.keys[metadata.ROOT][0]
		new = newKey()
		oldKey, _ := metadata.KeyFromPublicKey(old.Public())
		oldID, _ := oldKey.ID()
		if err := r.root.Signed.RevokeKey(oldID, metadata.ROOT); err != nil {
			t.Fatal(err)
		}
		nk, _ := metadata.KeyFromPublicKey(new.Public())
		if err := r.root.Signed.AddKey(nk, metadata.ROOT); err != nil {
			t.Fatal(err)
		}
		r.root.Signed.Version++
		return old, new
	}
	t.Run("signed by old and new keys", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		old, new := rotate(r)
		r.publishRoot(old, new)
		r.keys[metadata.ROOT] = []ed25519.PrivateKey{new}
		cache := t.TempDir()
		if _, err := r.fetch(cache); err != nil {
			t.Fatal(err)
		}
		// The cache now holds version 2: starting again from the version 1
		// anchor uses it, not the older anchor.
		cachedRoot := cacheFile(t, cache, "root.json")
		if !strings.Contains(string(cachedRoot), `"version":2`) {
			t.Fatal("rotated root not cached")
		}
		if _, err := r.fetch(cache); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("signed by the new keys only", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		_, new := rotate(r)
		r.publishRoot(new)
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("signed by the old keys only", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		old, _ := rotate(r)
		r.publishRoot(old)
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("N+1 bad, N+2 good", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		_, new := rotate(r)
		r.publishRoot(new) // 2.root.json, not signed by the old keys
		r.root.Signed.Version++
		r.publishRoot(new) // 3.root.json, signed by the new keys
		cache := t.TempDir()
		_, err := r.fetch(cache)
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
		if strings.Contains(string(cacheFile(t, cache, "root.json")), `"version":3`) {
			t.Fatal("a root after a failed one was trusted")
		}
	})
}

func TestAdversarial_C66_TUFDuplicateKeys(t *testing.T) {
	r := newTUFRepo(t, tufPayload(t))
	// The timestamp key listed twice, under its key id and another one,
	// with a threshold of 2 and a signature under each id.
	k := r.keys[metadata.TIMESTAMP][0]
	tk, _ := metadata.KeyFromPublicKey(k.Public())
	id, _ := tk.ID()
	dup := strings.Repeat("ab", 32)
	r.root.Signed.Keys[dup] = tk
	r.root.Signed.Roles[metadata.TIMESTAMP].KeyIDs = append(r.root.Signed.Roles[metadata.TIMESTAMP].KeyIDs, dup)
	r.root.Signed.Roles[metadata.TIMESTAMP].Threshold = 2
	r.publishRoot(r.keys[metadata.ROOT]...)
	r.signTimestamp()
	var sig metadata.Signature
	for _, s := range r.ts.Signatures {
		if s.KeyID == id {
			sig = s
		}
	}
	r.ts.Signatures = append(r.ts.Signatures, metadata.Signature{KeyID: dup, Signature: sig.Signature})
	r.put("timestamp.json", toBytes(t, r.ts))
	_, err := r.fetch(t.TempDir())
	sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
}

func TestAdversarial_C67_TUFThresholdZero(t *testing.T) {
	for _, th := range []int{0, -1, 5} {
		t.Run(fmt.Sprint(th), func(t *testing.T) {
			r := newTUFRepo(t, tufPayload(t))
			r.root.Signed.Roles[metadata.TIMESTAMP].Threshold = th
			r.publishRoot(r.keys[metadata.ROOT]...)
			o := r.opts(t.TempDir())
			o.Root = r.anchor()
			_, err := sigstore.FetchTrustedRoot(context.Background(), o)
			sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
		})
	}
}

func TestAdversarial_C68_TUFMalformedMetadata(t *testing.T) {
	payload := tufPayload(t)
	for _, tc := range []struct{ name, edit string }{
		{"signed is a string", `{"signed":"x","signatures":[]}`},
		{"signed is an array", `{"signed":[],"signatures":[]}`},
		{"signed is null", `{"signed":null,"signatures":[]}`},
		{"_type is a number", `{"signed":{"_type":1},"signatures":[]}`},
		{"signatures is an object", `{"signed":{"_type":"timestamp"},"signatures":{}}`},
		{"not JSON", `{{{`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newTUFRepo(t, payload)
			r.put("timestamp.json", []byte(tc.edit))
			_, err := r.fetch(t.TempDir())
			sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
		})
	}
	t.Run("root keys null", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		var m map[string]any
		json.Unmarshal(r.anchor(), &m)
		m["signed"].(map[string]any)["keys"] = nil
		bad, _ := json.Marshal(m)
		o := r.opts(t.TempDir())
		o.Root = bad
		_, err := sigstore.FetchTrustedRoot(context.Background(), o)
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
}

func TestAdversarial_C69_TUFPathTraversal(t *testing.T) {
	r := newTUFRepo(t, tufPayload(t))
	parent := t.TempDir()
	cache := filepath.Join(parent, "cache")
	for _, repo := range []string{r.srv.URL + "/../../../../tmp/pwn", r.srv.URL + "/%2e%2e%2f%2e%2e", r.srv.URL + "/..\\..\\x", r.srv.URL + "/a\x00b"} {
		o := sigstore.TUFOptions{CacheDir: cache, RepositoryURL: repo, Root: r.anchor()}
		sigstore.FetchTrustedRoot(context.Background(), o) // fails (404s); only the files written matter
	}
	for _, target := range []string{"../../../../tmp/pwn", "%2e%2e%2fx", "/etc/x", "..\\x", "a\x00b"} {
		o := r.opts(cache)
		o.Target = target
		_, err := sigstore.FetchTrustedRoot(context.Background(), o)
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	}
	err := filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(cache, p)
		if p != parent && (rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))) {
			t.Errorf("%s is outside the cache", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAdversarial_C70_TUFEndlessData(t *testing.T) {
	payload := tufPayload(t)
	t.Run("timestamp over its cap", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		r.handler = func(w http.ResponseWriter, req *http.Request) bool {
			if !strings.HasSuffix(req.URL.Path, "timestamp.json") {
				return false
			}
			chunk := make([]byte, 1<<16)
			for i := 0; i < 1<<10; i++ { // 64 MiB, far over the 16 KiB cap
				if _, err := w.Write(chunk); err != nil {
					return true
				}
			}
			return true
		}
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("target longer than declared", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		sum := sha256.Sum256(payload)
		r.put("targets/"+hex.EncodeToString(sum[:])+"."+sigstore.DefaultTUFTarget, append(append([]byte{}, payload...), make([]byte, 1<<20)...))
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
}

func TestAdversarial_C71_TUFMixAndMatch(t *testing.T) {
	payload := tufPayload(t)
	t.Run("snapshot hash differs from timestamp meta", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		snap := toBytes(t, r.snapshot)
		h := sha256.Sum256(snap)
		r.ts.Signed.Meta["snapshot.json"].Hashes = metadata.Hashes{"sha256": h[:]}
		r.ts.Signed.Meta["snapshot.json"].Length = int64(len(snap))
		r.signTimestamp()
		// Serve another (validly signed) snapshot of the same version.
		r.snapshot.Signed.Expires = r.snapshot.Signed.Expires.Add(time.Hour)
		r.snapshot.ClearSignatures()
		r.snapshot.Sign(signer(t, r.keys[metadata.SNAPSHOT][0]))
		r.put(fmt.Sprintf("%d.snapshot.json", r.snapshot.Signed.Version), toBytes(t, r.snapshot))
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("trusted_root.json differs from targets", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		sum := sha256.Sum256(payload)
		other := []byte(strings.Replace(string(payload), "https://rekor.test", "https://rekor.evil", 1))
		r.put("targets/"+hex.EncodeToString(sum[:])+"."+sigstore.DefaultTUFTarget, other)
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("2.root.json claims version 3", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		r.root.Signed.Version = 3
		r.publishRoot(r.keys[metadata.ROOT]...)
		r.put("2.root.json", r.files["3.root.json"])
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
}

// C72: targets delegates to A, then to B (terminating); both list
// trusted_root.json, with different content. The pre-order walk takes A's,
// every time.
func TestAdversarial_C72_TUFDelegationOrder(t *testing.T) {
	payload := tufPayload(t)
	other := []byte(strings.Replace(string(payload), "https://rekor.test", "https://rekor.other", 1))
	r := newTUFRepo(t, payload)
	delegate := func(name string, content []byte) (metadata.DelegatedRole, *metadata.Key) {
		k := newKey()
		tk, _ := metadata.KeyFromPublicKey(k.Public())
		id, _ := tk.ID()
		d := metadata.Targets(time.Now().AddDate(1, 0, 0))
		tf, err := metadata.TargetFile().FromBytes(sigstore.DefaultTUFTarget, content, "sha256")
		if err != nil {
			t.Fatal(err)
		}
		d.Signed.Targets[sigstore.DefaultTUFTarget] = tf
		d.Sign(signer(t, k))
		r.put("1."+name+".json", toBytes(t, d))
		sum := sha256.Sum256(content)
		r.put("targets/"+hex.EncodeToString(sum[:])+"."+sigstore.DefaultTUFTarget, content)
		r.snapshot.Signed.Meta[name+".json"] = metadata.MetaFile(1)
		return metadata.DelegatedRole{Name: name, KeyIDs: []string{id}, Threshold: 1, Paths: []string{"*"}}, tk
	}
	roleA, keyA := delegate("A", payload)
	roleB, keyB := delegate("B", other)
	roleB.Terminating = true
	idA, _ := keyA.ID()
	idB, _ := keyB.ID()
	r.targets.Signed.Targets = map[string]*metadata.TargetFiles{}
	r.targets.Signed.Delegations = &metadata.Delegations{
		Keys:  map[string]*metadata.Key{idA: keyA, idB: keyB},
		Roles: []metadata.DelegatedRole{roleA, roleB},
	}
	r.targets.Signed.Version++
	r.snapshot.Signed.Version++
	r.ts.Signed.Version++
	r.signTargets()
	for i := 0; i < 200; i++ {
		tr, err := r.fetch(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		sameRoot(t, tr, payload)
	}
}

func TestAdversarial_C73_TUFKeyTypeSchemeMismatch(t *testing.T) {
	payload := tufPayload(t)
	mismatch := func(r *tufRepo) {
		for _, k := range r.root.Signed.Keys {
			if k.Type == metadata.KeyTypeEd25519 {
				k.Scheme = metadata.KeySchemeECDSA_SHA2_P256
			}
		}
	}
	t.Run("in the trust anchor", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		mismatch(r)
		r.publishRoot(r.keys[metadata.ROOT]...)
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("in a rotated root", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		mismatch(r)
		r.root.Signed.Version = 2
		r.publishRoot(r.keys[metadata.ROOT]...)
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("31-byte ed25519 key", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		for _, k := range r.root.Signed.Keys {
			k.Value.PublicKey = k.Value.PublicKey[:62]
		}
		r.publishRoot(r.keys[metadata.ROOT]...)
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
}

func TestAdversarial_C74_TUFFetcherHygiene(t *testing.T) {
	payload := tufPayload(t)
	t.Run("cross-host redirect refused", func(t *testing.T) {
		other := newTUFRepo(t, payload)
		r := newTUFRepo(t, payload)
		// Same files on another host, reached by a redirect: "localhost"
		// and "127.0.0.1" are different hosts.
		_, port, _ := net.SplitHostPort(strings.TrimPrefix(other.srv.URL, "http://"))
		r.handler = func(w http.ResponseWriter, req *http.Request) bool {
			http.Redirect(w, req, "http://localhost:"+port+req.URL.Path, http.StatusFound)
			return true
		}
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
		if n := other.requestCount(); n != 0 {
			t.Fatalf("%d requests reached the other host", n)
		}
	})
	t.Run("same-host redirects, bounded", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		r.handler = func(w http.ResponseWriter, req *http.Request) bool {
			if strings.HasPrefix(req.URL.Path, "/loop") {
				http.Redirect(w, req, req.URL.Path+"x", http.StatusFound)
				return true
			}
			if req.URL.Path == "/timestamp.json" && req.URL.RawQuery == "" {
				http.Redirect(w, req, "/loop", http.StatusFound)
				return true
			}
			return false
		}
		_, err := r.fetch(t.TempDir())
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("no credentials sent; cache 0700; no temp files after an error", func(t *testing.T) {
		r := newTUFRepo(t, payload)
		fail := true
		r.handler = func(w http.ResponseWriter, req *http.Request) bool {
			if fail && strings.HasSuffix(req.URL.Path, "snapshot.json") {
				// Half a body, then the connection drops.
				w.Header().Set("Content-Length", "100000")
				w.Write([]byte(`{"signed":`))
				return true
			}
			return false
		}
		cache := filepath.Join(t.TempDir(), "c")
		_, err := r.fetch(cache)
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
		fail = false
		if _, err := r.fetch(cache); err != nil {
			t.Fatal(err)
		}
		filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				info, _ := d.Info()
				if perm := info.Mode().Perm(); perm&0o077 != 0 {
					t.Errorf("%s has mode %o", p, perm)
				}
			} else if strings.Contains(d.Name(), "tmp") {
				t.Errorf("temporary file %s left", p)
			}
			return nil
		})
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, req := range r.requests {
			if req.Header.Get("Authorization") != "" || req.Header.Get("Cookie") != "" {
				t.Errorf("credentials sent to %s", req.URL)
			}
		}
	})
}

func cacheFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	var found []byte
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == name {
			found, _ = os.ReadFile(p)
		}
		return nil
	})
	if found == nil {
		t.Fatalf("no %s in the cache", name)
	}
	return found
}

// TestFetchTUFTargetSigningConfig fetches a signing config distributed
// next to the trusted root, as Sigstore's TUF repository does, and hands
// it to package sign. A changed file is refused: TUF checks its hash.
func TestFetchTUFTargetSigningConfig(t *testing.T) {
	r := newTUFRepo(t, tufPayload(t))
	sc, err := os.ReadFile(filepath.Join("..", "testdata", "sigstore", "signing_config.v0.2.json"))
	if err != nil {
		t.Fatal(err)
	}
	r.addTarget("signing_config.v0.2.json", sc) // before any client has read version 1
	opts := r.opts(t.TempDir())
	opts.Target = "signing_config.v0.2.json"
	data, err := sigstore.FetchTUFTarget(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, sc) {
		t.Fatal("fetched signing config differs from the published one")
	}
	if _, err := sigstore.ParseSigningConfig(data); err != nil {
		t.Fatalf("sigstore.ParseSigningConfig: %v", err)
	}
	// Tamper with the served file: the hash in targets.json no longer
	// matches and nothing is returned.
	sum := sha256.Sum256(sc)
	r.put("targets/"+hex.EncodeToString(sum[:])+".signing_config.v0.2.json", append(bytes.Clone(sc), ' '))
	opts.CacheDir = t.TempDir()
	if _, err := sigstore.FetchTUFTarget(context.Background(), opts); !errors.Is(err, verify.ErrTrustedRoot) {
		t.Fatalf("tampered target: %v", err)
	}
}

// TestFetchInstance: the trusted root and the signing config of one
// repository, in one call, and a keyless signer from them; offline from
// the cache afterwards.
func TestFetchInstance(t *testing.T) {
	payload := tufPayload(t)
	r := newTUFRepo(t, payload)
	sc, err := os.ReadFile(filepath.Join("..", "testdata", "sigstore", "signing_config.v0.2.json"))
	if err != nil {
		t.Fatal(err)
	}
	r.addTarget(sigstore.SigningConfigTUFTarget, sc)
	// One refresh for both targets: FetchInstance makes one request more
	// than FetchTrustedRoot (the signing config), not a second refresh.
	before := r.requestCount()
	if _, err := r.fetch(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	rootOnly := r.requestCount() - before
	cache := t.TempDir()
	opts := r.opts(cache)
	opts.Time = time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC)
	before = r.requestCount()
	inst, err := sigstore.FetchInstance(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := r.requestCount() - before; n != rootOnly+1 {
		t.Errorf("FetchInstance made %d requests, FetchTrustedRoot %d: want one more", n, rootOnly)
	}
	sameRoot(t, inst.TrustedRoot, payload)
	if inst.Services.Fulcio == "" || len(inst.Services.Rekor) == 0 {
		t.Fatalf("services %+v", inst.Services)
	}
	if _, err := inst.Keyless(sigstore.StaticToken("x")); err != nil {
		t.Fatalf("Keyless: %v", err)
	}
	opts.Offline = true
	if _, err := sigstore.FetchInstance(context.Background(), opts); err != nil {
		t.Fatalf("offline: %v", err)
	}
	// A repository without a signing config is an error, not a partial
	// instance.
	bare := newTUFRepo(t, payload)
	if inst, err := sigstore.FetchInstance(context.Background(), bare.opts(t.TempDir())); err == nil || inst != nil {
		t.Fatalf("no signing config: %v", err)
	}
	// Offline with an empty cache: the error says so once.
	off := r.opts(t.TempDir())
	off.Offline = true
	_, err = sigstore.FetchInstance(context.Background(), off)
	if !errors.Is(err, sigstore.ErrOffline) || !errors.Is(err, verify.ErrTrustedRoot) || strings.Count(err.Error(), "offline") != 1 || strings.Contains(err.Error(), "sigstore: ") {
		t.Errorf("offline, empty cache: %v", err)
	}
	if _, err := (*sigstore.Instance)(nil).Keyless(sigstore.StaticToken("x")); !errors.Is(err, sigstore.ErrInvalidConfig) {
		t.Fatalf("nil instance: %v", err)
	}
}
