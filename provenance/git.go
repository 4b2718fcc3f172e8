package provenance

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Limits on what ReadGit reads of a checkout.
const (
	maxGitFile     = 64 << 10 // HEAD, a loose ref, a .git file, commondir
	maxPackedRefs  = 64 << 20 // packed-refs
	maxSymrefDepth = 5
)

// ReadGit reads the commit checked out in the git work tree dir: HEAD,
// followed through symbolic refs, loose refs and packed-refs, in a
// repository, a linked work tree or a submodule (a .git file naming the
// git directory). ref is the ref HEAD points to ("refs/heads/main"), or
// "" for a detached HEAD, as CI checkouts of a tag or a commit are. It
// runs no git command and reads at most a few small files; a checkout it
// cannot read is an error matching ErrSource.
func ReadGit(dir string) (commit, ref string, err error) {
	gitDir, commonDir, err := findGitDir(dir)
	if err != nil {
		return "", "", err
	}
	head, err := readSmall(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return "", "", fmt.Errorf("%w: %v", ErrSource, err)
	}
	for depth := 0; ; depth++ {
		target, symbolic := strings.CutPrefix(head, "ref: ")
		if !symbolic {
			if err := checkCommit(head); err != nil {
				return "", "", fmt.Errorf("%w: %s: %v", ErrSource, dir, err)
			}
			return head, ref, nil
		}
		if depth == maxSymrefDepth {
			return "", "", fmt.Errorf("%w: %s: symbolic refs nested deeper than %d", ErrSource, dir, maxSymrefDepth)
		}
		if !validRefName(target) {
			return "", "", fmt.Errorf("%w: %s: HEAD names %q, not a ref", ErrSource, dir, truncate(target))
		}
		if ref == "" {
			ref = target
		}
		head, err = resolveRef(gitDir, commonDir, target)
		if err != nil {
			return "", "", fmt.Errorf("%w: %s: %v", ErrSource, dir, err)
		}
	}
}

// findGitDir returns the git directory of the work tree dir and its
// common directory (where refs live; the same unless dir is a linked
// work tree).
func findGitDir(dir string) (gitDir, commonDir string, err error) {
	dotGit := filepath.Join(dir, ".git")
	fi, err := os.Lstat(dotGit)
	if err != nil {
		return "", "", fmt.Errorf("%w: %s is not a git work tree: %v", ErrSource, dir, err)
	}
	gitDir = dotGit
	switch {
	case fi.Mode().IsRegular():
		s, err := readSmall(dotGit)
		if err != nil {
			return "", "", fmt.Errorf("%w: %v", ErrSource, err)
		}
		p, ok := strings.CutPrefix(s, "gitdir: ")
		if !ok {
			return "", "", fmt.Errorf("%w: %s: .git file does not name a git directory", ErrSource, dir)
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		gitDir = p
	case !fi.IsDir():
		return "", "", fmt.Errorf("%w: %s: .git is neither a directory nor a file", ErrSource, dir)
	}
	commonDir = gitDir
	if c, err := readSmall(filepath.Join(gitDir, "commondir")); err == nil {
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		commonDir = c
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", "", fmt.Errorf("%w: %v", ErrSource, err)
	}
	return gitDir, commonDir, nil
}

// resolveRef returns the content of a ref: a loose ref file (per work
// tree for HEAD-like refs, else in the common directory) or its line in
// packed-refs.
func resolveRef(gitDir, commonDir, ref string) (string, error) {
	for _, d := range []string{gitDir, commonDir} {
		s, err := readSmall(filepath.Join(d, filepath.FromSlash(ref)))
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	f, err := os.Open(filepath.Join(commonDir, "packed-refs"))
	if err != nil {
		return "", fmt.Errorf("ref %s not found", ref)
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, maxPackedRefs))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == '^' {
			continue
		}
		if id, name, ok := strings.Cut(line, " "); ok && name == ref {
			return id, nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("packed-refs: %v", err)
	}
	return "", fmt.Errorf("ref %s not found", ref)
}

// readSmall reads a small git file, trimmed of white space. Its errors
// do not say ErrSource: its callers do, once.
func readSmall(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxGitFile+1))
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > maxGitFile {
		return "", fmt.Errorf("%s is larger than %d bytes", path, maxGitFile)
	}
	return strings.TrimSpace(string(b)), nil
}

// validRefName accepts "refs/..." names without "..", empty or hidden
// components, so a ref cannot point outside the git directory.
func validRefName(r string) bool {
	if !strings.HasPrefix(r, "refs/") || strings.ContainsAny(r, "\\\x00 ~^:?*[") {
		return false
	}
	for _, c := range strings.Split(r, "/") {
		if c == "" || c == "." || c == ".." || strings.HasPrefix(c, ".") {
			return false
		}
	}
	return true
}

// CheckSource checks that the checkout in dir is at the commit the
// environment says was built, so the source commit in the provenance is
// not taken from variables alone when a checkout is there. A detached
// HEAD is fine; another commit is an error matching ErrSource.
func (b *Build) CheckSource(dir string) error {
	commit, _, err := ReadGit(dir)
	if err != nil {
		return err
	}
	if commit != b.Source.Commit {
		return fmt.Errorf("%w: the checkout in %s is at commit %s, the environment says %s", ErrSource, dir, commit, b.Source.Commit)
	}
	return nil
}
