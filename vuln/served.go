package vuln

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"sync"

	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// maxIndexBytes bounds the served layout's index/modules.json.
const maxIndexBytes = 64 << 20

// served is the Go vulnerability database's served layout (what
// govulncheck -db file:///DIR reads, written by x/vulndb's indexdb):
// index/modules.json names, for each module, the ids of the records about
// it, and ID/<id>.json holds each record. A scan parses only the records
// of the modules it meets.
type served struct {
	root    *os.Root
	fsys    fs.FS
	modules map[string][]string // module path -> record ids
	mu      sync.Mutex
	parsed  map[string]*Record // id -> record; nil for a withdrawn one
	total   int64              // bytes of records read, at most MaxDatabaseBytes
}

// isServed reports whether dir holds the served layout.
func isServed(root *os.Root) bool {
	fi, err := root.Stat("index/modules.json")
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	di, err := root.Stat("ID")
	return err == nil && di.IsDir()
}

// openServed reads the served layout's module index.
func openServed(root *os.Root, name string) (*DB, error) {
	f, err := root.Open("index/modules.json")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	data, err := limits.ReadAll(f, maxIndexBytes)
	f.Close()
	if errors.Is(err, limits.ErrOverLimit) {
		return nil, fmt.Errorf("%w: %s: index/modules.json over %d bytes", ErrTooLarge, name, maxIndexBytes)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: index/modules.json: %v", ErrMalformed, name, err)
	}
	var mods []struct {
		Path  string `json:"path"`
		Vulns []struct {
			ID string `json:"id"`
		} `json:"vulns"`
	}
	if err := strictjson.UnmarshalWith(data, &mods, strictjson.Options{MaxBytes: maxIndexBytes, MaxArrayLen: MaxRecords, MaxElements: 4 * MaxRecords}); err != nil {
		if errors.Is(err, strictjson.ErrTooLarge) {
			return nil, fmt.Errorf("%w: %s: index/modules.json: %v", ErrTooLarge, name, err)
		}
		return nil, fmt.Errorf("%w: %s: index/modules.json: %v", ErrMalformed, name, err)
	}
	s := &served{root: root, fsys: root.FS(), modules: map[string][]string{}, parsed: map[string]*Record{}}
	ids := map[string]bool{}
	for _, m := range mods {
		seen := map[string]bool{}
		for _, v := range m.Vulns {
			if v.ID == "" || !validID(v.ID) {
				return nil, fmt.Errorf("%w: %s: index/modules.json: record id %q", ErrMalformed, name, truncate(v.ID))
			}
			if !seen[v.ID] {
				seen[v.ID] = true
				s.modules[m.Path] = append(s.modules[m.Path], v.ID)
			}
			ids[v.ID] = true
		}
		sort.Strings(s.modules[m.Path])
	}
	db := &DB{byID: map[string]*Record{}, byPkg: map[string][]*Record{}, source: name, served: s}
	for id := range ids {
		db.ids = append(db.ids, id)
	}
	sort.Strings(db.ids)
	return db, nil
}

// validID accepts ids that name a file of ID/ and nothing else.
func validID(id string) bool {
	if len(id) > 128 {
		return false
	}
	for _, c := range id {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return id != "." && id != ".."
}

// records returns the records in force about a module, parsing each the
// first time it is needed.
func (s *served) records(module string) ([]*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Record
	for _, id := range s.modules[module] {
		r, ok := s.parsed[id]
		if !ok {
			data, err := readFile(s.fsys, "ID/"+id+".json")
			switch {
			case errors.Is(err, ErrTooLarge):
				return nil, fmt.Errorf("ID/%s.json: %w", id, err)
			case err != nil:
				return nil, fmt.Errorf("%w: %v", ErrMalformed, err) // names the file
			}
			if s.total += int64(len(data)); s.total > MaxDatabaseBytes {
				return nil, fmt.Errorf("%w: more than %d bytes of records", ErrTooLarge, int64(MaxDatabaseBytes))
			}
			if r, err = ParseRecord(data); err != nil {
				return nil, fmt.Errorf("ID/%s.json: %w", id, err)
			}
			if r.ID != id {
				return nil, fmt.Errorf("%w: ID/%s.json holds record %q", ErrMalformed, id, truncate(r.ID))
			}
			if r.Withdrawn != nil {
				r = nil
			}
			s.parsed[id] = r
		}
		if r != nil {
			out = append(out, r)
		}
	}
	return out, nil
}
