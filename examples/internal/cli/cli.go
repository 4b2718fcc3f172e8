// Package cli holds the plumbing the example commands share: bounded file
// reads, atomic writes, key passwords, and exit codes (package clitrust
// has the setup of trust and keyless signing). It uses none of
// Chainmail's public packages (only internal/fsutil for the atomic
// write); the examples' interesting code is in their own main.go.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/chainmail-dev/chainmail/internal/fsutil"
)

// Exit codes shared by the examples.
const (
	ExitOK       = 0 // success (verified, valid, same)
	ExitRejected = 1 // the input was rejected (or invalid, or different)
	ExitUsage    = 2 // bad invocation or unusable configuration
)

// ReadFile reads a file of at most max bytes ("-" is standard input).
func ReadFile(path string, max int64) ([]byte, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return data, nil
}

// WriteFile writes data to path through a temporary file and a rename, so a
// failure never leaves a half-written file. "-" writes to standard output.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	if path == "-" {
		_, err := os.Stdout.Write(data)
		return err
	}
	return fsutil.WriteFile(path, data, perm)
}

// Password returns the key password from the environment: CHAINMAIL_PASSWORD,
// or COSIGN_PASSWORD as cosign uses it.
func Password() ([]byte, error) {
	for _, name := range []string{"CHAINMAIL_PASSWORD", "COSIGN_PASSWORD"} {
		if v, ok := os.LookupEnv(name); ok {
			return []byte(v), nil
		}
	}
	return nil, errors.New("the key is encrypted: set CHAINMAIL_PASSWORD (or COSIGN_PASSWORD)")
}

// OneLine flattens an error message to a single line.
func OneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// Exit prints "prog: msg" on standard error and exits with code. Messages
// that already start with "prog:" (package errors do) are not prefixed
// again.
func Exit(prog string, code int, err error) {
	fmt.Fprintln(os.Stderr, Message(prog, err))
	os.Exit(code)
}

// Message is err on one line as "prog: msg", with prog said once: a
// message that already starts with "prog:" (the errors of a package named
// like the program do) is not prefixed again.
func Message(prog string, err error) string {
	msg := OneLine(err)
	if !strings.HasPrefix(msg, prog+":") {
		msg = prog + ": " + msg
	}
	return msg
}

// Strings is a repeatable string flag.
type Strings []string

// String implements flag.Value.
func (s *Strings) String() string { return strings.Join(*s, ",") }

// Set implements flag.Value.
func (s *Strings) Set(v string) error {
	*s = append(*s, v)
	return nil
}
