package strictjson

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// shape is what the key check needs to know of a Go type: the exact field
// names of a struct, or the element type of a map, slice or array. A nil
// shape means "anything": no case check below it.
type shape struct {
	fields map[string]*shapeRef // struct: exact JSON name -> field shape
	names  []string             // struct: the same names, sorted, for the fold check
	refs   []*shapeRef          // struct: the shapes of names[i]
	elem   *shapeRef            // map, slice, array
}

// shapeRef defers building a shape until a document reaches it, which
// also makes recursive types work.
type shapeRef struct {
	t    reflect.Type
	once sync.Once
	sh   *shape
}

func (r *shapeRef) get() *shape {
	if r == nil {
		return nil
	}
	r.once.Do(func() { r.sh = typeShape(r.t) })
	return r.sh
}

// member returns the shape of the value of key in an object of shape sh,
// or an error if key differs from a field name only in case.
func (sh *shape) member(key []byte) (*shape, error) {
	if sh == nil {
		return nil, nil
	}
	if sh.fields == nil {
		return sh.elem.get(), nil
	}
	if len(sh.names) <= 8 {
		// A few string compares beat hashing the key.
		for i, n := range sh.names {
			if n == string(key) {
				return sh.refs[i].get(), nil
			}
		}
	} else if f, ok := sh.fields[string(key)]; ok {
		return f.get(), nil
	}
	k := string(key)
	for _, n := range sh.names {
		if strings.EqualFold(n, k) {
			return nil, fmt.Errorf("%q is not %q", k, n)
		}
	}
	return nil, nil // unknown key: ignored by the decoder
}

func (sh *shape) element() *shape {
	if sh == nil {
		return nil
	}
	return sh.elem.get()
}

var (
	shapes          sync.Map // reflect.Type -> *shape
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessage      = reflect.TypeFor[json.RawMessage]()
)

func typeShape(t reflect.Type) *shape {
	if t == nil {
		return nil
	}
	if v, ok := shapes.Load(t); ok {
		return v.(*shape)
	}
	sh := buildShape(t)
	v, _ := shapes.LoadOrStore(t, sh)
	return v.(*shape)
}

func buildShape(t reflect.Type) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessage || t.Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return nil // decodes itself: only the generic checks apply
	}
	switch t.Kind() {
	case reflect.Struct:
		found := map[string]*fieldInfo{}
		addFields(found, t, 0)
		sh := &shape{fields: make(map[string]*shapeRef, len(found))}
		for name, f := range found {
			if f.ambiguous {
				continue // encoding/json ignores the name: an unknown key
			}
			sh.fields[name] = &shapeRef{t: f.t}
			sh.names = append(sh.names, name)
		}
		sort.Strings(sh.names) // deterministic error messages
		for _, n := range sh.names {
			sh.refs = append(sh.refs, sh.fields[n])
		}
		return sh
	case reflect.Map, reflect.Slice, reflect.Array:
		return &shape{elem: &shapeRef{t: t.Elem()}}
	default:
		return nil
	}
}

// fieldInfo is a candidate field for one JSON name.
type fieldInfo struct {
	t         reflect.Type
	depth     int  // embedding depth
	tagged    bool // the name comes from a json tag
	ambiguous bool // another field has the same name, depth and taggedness
}

// addFields collects the JSON names of t's fields with encoding/json's
// rules: json tags, exported fields, and the fields of untagged embedded
// structs, promoted. Of several fields with one name the shallowest wins,
// then a tagged one; a tie hides the name altogether.
func addFields(found map[string]*fieldInfo, t reflect.Type, depth int) {
	if depth > 8 {
		return
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if !f.IsExported() && ft.Kind() != reflect.Struct {
				continue // encoding/json ignores these
			}
			if name == "" && ft.Kind() == reflect.Struct {
				addFields(found, ft, depth+1)
				continue
			}
		} else if !f.IsExported() {
			continue
		}
		tagged := name != ""
		if !tagged {
			name = f.Name
		}
		cur, ok := found[name]
		switch {
		case !ok || depth < cur.depth || (depth == cur.depth && tagged && !cur.tagged):
			found[name] = &fieldInfo{t: f.Type, depth: depth, tagged: tagged}
		case depth == cur.depth && tagged == cur.tagged:
			cur.ambiguous = true
		}
	}
}
