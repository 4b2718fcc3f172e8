package limits

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrOverLimit is what ReadAll's error wraps for input over its bound.
var ErrOverLimit = errors.New("input over its size limit")

// ReadAll reads r to its end, refusing (with an error wrapping
// ErrOverLimit) input larger than max bytes without reading more than
// max+1 of it.
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrOverLimit, max)
	}
	return data, nil
}

// ReadFile reads the file at path, refusing one larger than max bytes
// without reading more than max+1 of it.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := ReadAll(f, max)
	if errors.Is(err, ErrOverLimit) {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return data, err
}
