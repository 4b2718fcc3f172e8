package provenance_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/chainmail-dev/chainmail/provenance"
)

var commitRE = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)

// FuzzReadGit: whatever a checkout's HEAD, loose ref and packed-refs
// hold, ReadGit returns a well-formed commit and a ref under refs/, or an
// ErrSource; it never reads outside the git directory's refs.
func FuzzReadGit(f *testing.F) {
	f.Add("ref: refs/heads/main\n", commit+"\n", "# pack-refs\n"+commit+" refs/heads/dev\n")
	f.Add(commit, "", "")
	f.Add("ref: refs/heads/a", "ref: refs/heads/a", "")
	f.Add("ref: refs/../../x", "", "")
	f.Fuzz(func(t *testing.T, head, loose, packed string) {
		dir := t.TempDir()
		git := filepath.Join(dir, ".git")
		if err := os.MkdirAll(filepath.Join(git, "refs", "heads"), 0o755); err != nil {
			t.Fatal(err)
		}
		for name, content := range map[string]string{"HEAD": head, "refs/heads/main": loose, "packed-refs": packed} {
			if content == "" {
				continue
			}
			if err := os.WriteFile(filepath.Join(git, filepath.FromSlash(name)), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		c, ref, err := provenance.ReadGit(dir)
		if err != nil {
			if !errors.Is(err, provenance.ErrSource) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if !commitRE.MatchString(c) || (ref != "" && (len(ref) < 6 || ref[:5] != "refs/")) {
			t.Fatalf("ReadGit = %q, %q", c, ref)
		}
	})
}
