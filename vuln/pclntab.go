package vuln

import (
	"bytes"
	"encoding/binary"
)

// funcNames reads the names of the functions of a Go 1.16 or later
// pclntab without building debug/gosym's tables (the function table's
// name offsets into the function-name table, nothing else), or reports
// false for another layout, which the caller then reads with debug/gosym.
// Every offset is checked against the table's bounds.
func funcNames(pcln []byte, order binary.ByteOrder) ([]string, bool) {
	if len(pcln) < 16 {
		return nil, false
	}
	magic := order.Uint32(pcln)
	var go118 bool
	switch magic {
	case 0xfffffff1, 0xfffffff0: // Go 1.20+, Go 1.18-1.19
		go118 = true
	case 0xfffffffa: // Go 1.16-1.17
	default:
		return nil, false
	}
	if pcln[4] != 0 || pcln[5] != 0 {
		return nil, false
	}
	ptr := int(pcln[7])
	if ptr != 4 && ptr != 8 {
		return nil, false
	}
	word := func(i int) (uint64, bool) {
		off := 8 + i*ptr
		if off+ptr > len(pcln) {
			return 0, false
		}
		if ptr == 4 {
			return uint64(order.Uint32(pcln[off:])), true
		}
		return order.Uint64(pcln[off:]), true
	}
	nfunc, ok := word(0)
	if !ok {
		return nil, false
	}
	nameIdx, pclnIdx := 2, 6 // Go 1.16: nfunc nfiles funcnameOff cuOff filetabOff pctabOff pclnOff
	if go118 {
		nameIdx, pclnIdx = 3, 7 // textStart follows nfiles
	}
	nameOff, ok1 := word(nameIdx)
	pclnOff, ok2 := word(pclnIdx)
	if !ok1 || !ok2 || nameOff >= uint64(len(pcln)) || pclnOff >= uint64(len(pcln)) {
		return nil, false
	}
	names := pcln[nameOff:]
	functab := pcln[pclnOff:]
	entry := 2 * ptr // (entry, funcoff) pairs of words
	if go118 {
		entry = 8 // (entryoff, funcoff) pairs of uint32
	}
	if nfunc > uint64(len(functab)/entry) {
		return nil, false
	}
	out := make([]string, 0, nfunc)
	for i := uint64(0); i < nfunc; i++ {
		var funcOff uint64
		p := int(i) * entry
		if go118 {
			funcOff = uint64(order.Uint32(functab[p+4:]))
		} else if ptr == 8 {
			funcOff = order.Uint64(functab[p+8:])
		} else {
			funcOff = uint64(order.Uint32(functab[p+4:]))
		}
		// _func: entry (uint32 since 1.18, a word before), then nameOff int32.
		at := funcOff
		if go118 {
			at += 4
		} else {
			at += uint64(ptr)
		}
		if at+4 > uint64(len(functab)) {
			return nil, false
		}
		n := int32(order.Uint32(functab[at:]))
		if n < 0 || int(n) >= len(names) {
			return nil, false
		}
		end := bytes.IndexByte(names[n:], 0)
		if end < 0 {
			return nil, false
		}
		out = append(out, string(names[n:int(n)+end]))
	}
	return out, true
}
