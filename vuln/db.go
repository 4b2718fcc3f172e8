package vuln

import (
	"archive/zip"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chainmail-dev/chainmail/internal/limits"
)

// DB is a set of OSV records, indexed by package, read once and then only
// looked up: a scan does no I/O and no network access.
type DB struct {
	byID    map[string]*Record
	byPkg   map[string][]*Record // ecosystem (before any ":") + "\x00" + name
	ids     []string
	source  string
	updated time.Time
	served  *served // the Go database's served layout, read as needed
}

// Close releases what the database holds open: the directory of a
// served layout, whose records are read as scans need them. A database
// read whole holds nothing; Close is then a no-op.
func (db *DB) Close() error {
	if db.served != nil {
		return db.served.root.Close()
	}
	return nil
}

// Len returns the number of records in force (withdrawn ones aside; for
// a served layout, the records its index names).
func (db *DB) Len() int { return len(db.ids) }

// Source returns where the records were read from.
func (db *DB) Source() string { return db.source }

// LastModified returns the latest modified time of a record.
func (db *DB) LastModified() time.Time { return db.updated }

// Record returns the record with the given id, or nil (for a served
// layout, only once a scan has read it).
func (db *DB) Record(id string) *Record {
	if db.served != nil {
		db.served.mu.Lock()
		defer db.served.mu.Unlock()
		return db.served.parsed[id]
	}
	return db.byID[id]
}

// Open reads a database from a path: a directory of OSV records (the Go
// vulnerability database's data/osv, or any tree of *.json records), a
// zip of records as osv.dev publishes one per ecosystem (all.zip), or the
// Go database's served layout (index/modules.json and ID/, what
// govulncheck -db file:///DIR reads), whose records are then read only
// as scans need them: Close the database when done.
func Open(p string) (*DB, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if fi.IsDir() {
		root, err := os.OpenRoot(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if isServed(root) {
			db, err := openServed(root, p)
			if err != nil {
				root.Close()
			}
			return db, err
		}
		defer root.Close()
		return Load(root.FS(), p)
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: not a directory or a zip of OSV records: %v", ErrMalformed, p, err)
	}
	defer zr.Close()
	return Load(&zr.Reader, p)
}

// Load reads every OSV record (*.json) of fsys, outside any index
// directory, name being where they came from. It reads each file only
// after checking its size, and stops at MaxRecords records or
// MaxDatabaseBytes bytes in all. A record that does not parse fails the
// load, naming the file: a database is not half-read. Withdrawn records
// are kept out of the index. Where two files hold the same id, the one
// modified last is kept.
func Load(fsys fs.FS, name string) (*DB, error) {
	db := &DB{byID: map[string]*Record{}, byPkg: map[string][]*Record{}, source: name}
	var total int64
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "index" && p != "." {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".json") || !d.Type().IsRegular() {
			return nil
		}
		if len(paths) >= MaxRecords {
			return fmt.Errorf("%w: more than %d records", ErrTooLarge, MaxRecords)
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if fi.Size() > MaxRecordBytes {
			return fmt.Errorf("%w: %s: %d bytes, limit %d", ErrTooLarge, p, fi.Size(), MaxRecordBytes)
		}
		if total += fi.Size(); total > MaxDatabaseBytes {
			return fmt.Errorf("%w: more than %d bytes of records", ErrTooLarge, int64(MaxDatabaseBytes))
		}
		paths = append(paths, p)
		return nil
	})
	if err == nil {
		err = parseAll(fsys, paths, db)
	}
	if err != nil {
		if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
			err = fmt.Errorf("%w: reading %s: %v", ErrMalformed, name, err)
		}
		return nil, err
	}
	for id, r := range db.byID {
		if r.Withdrawn != nil {
			delete(db.byID, id)
			continue
		}
		db.ids = append(db.ids, id)
		if r.Modified.After(db.updated) {
			db.updated = r.Modified
		}
	}
	sort.Strings(db.ids)
	for _, id := range db.ids {
		r := db.byID[id]
		seen := map[string]bool{}
		for _, a := range r.Affected {
			k := pkgKey(a.Package.Ecosystem, a.Package.Name)
			if !seen[k] {
				seen[k] = true
				db.byPkg[k] = append(db.byPkg[k], r)
			}
		}
	}
	return db, nil
}

// parseAll reads and parses the records at paths on every CPU, then adds
// them to db in path order; the error is that of the first path (in
// order) that failed, so the result does not depend on scheduling.
func parseAll(fsys fs.FS, paths []string, db *DB) error {
	recs := make([]*Record, len(paths))
	errs := make([]error, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(paths), 1)) {
		wg.Go(func() {
			for i := range next {
				data, err := readFile(fsys, paths[i])
				if err == nil {
					recs[i], err = ParseRecord(data)
				}
				if err != nil {
					errs[i] = fmt.Errorf("%s: %w", paths[i], err)
				}
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, r := range recs {
		if errs[i] != nil {
			return errs[i]
		}
		if old := db.byID[r.ID]; old == nil || r.Modified.After(old.Modified) {
			db.byID[r.ID] = r
		}
	}
	return nil
}

// readFile reads one file of at most MaxRecordBytes, whatever its
// directory entry claimed (a zip entry's size is the archive's word).
func readFile(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := limits.ReadAll(f, MaxRecordBytes)
	if errors.Is(err, limits.ErrOverLimit) {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxRecordBytes) // the caller names the file
	}
	return data, err
}

// pkgKey is the index key of a package: the ecosystem without its
// release ("Debian:12" is Debian) and the name.
func pkgKey(ecosystem, name string) string {
	eco, _, _ := strings.Cut(ecosystem, ":")
	if eco == "PyPI" {
		name = pypiName(name)
	}
	return eco + "\x00" + name
}

var pypiSepRE = regexp.MustCompile(`[-_.]+`)

// pypiName is a Python project name normalised as PEP 503 says.
func pypiName(n string) string { return pypiSepRE.ReplaceAllString(strings.ToLower(n), "-") }

// recordsFor returns the records about a package.
func (db *DB) recordsFor(ecosystem, name string) ([]*Record, error) {
	if db.served != nil {
		if ecosystem != "Go" {
			return nil, nil // the served layout is the Go database's
		}
		return db.served.records(name)
	}
	return db.byPkg[pkgKey(ecosystem, name)], nil
}
