// Package attestpb converts between attest's JSON-native statements and the
// protobuf types of github.com/in-toto/attestation (go/v1), for programs
// that already speak the protos. It is a separate package so that attest
// itself does not depend on protobuf.
//
// The conversion goes through JSON, so it is exactly the spec's mapping.
// One loss is inherent in the protobuf types: a predicate or annotation is
// a google.protobuf.Struct, whose numbers are doubles, so integers beyond
// 2^53 do not survive ToProto. FromProto validates its result as
// attest.ParseStatement does.
package attestpb

import (
	"bytes"
	"encoding/json"
	"fmt"

	ita1 "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/chainmail-dev/chainmail/attest"
)

// ToProto returns the in-toto protobuf form of st, which must be valid.
func ToProto(st *attest.Statement) (*ita1.Statement, error) {
	raw, err := st.Marshal()
	if err != nil {
		return nil, err
	}
	out := new(ita1.Statement)
	if err := protojson.Unmarshal(raw, out); err != nil {
		return nil, fmt.Errorf("attestpb: %w: %v", attest.ErrMalformed, err)
	}
	return out, nil
}

// FromProto returns the statement a protobuf statement holds, validated.
func FromProto(p *ita1.Statement) (*attest.Statement, error) {
	if p == nil {
		return nil, fmt.Errorf("attestpb: %w: nil statement", attest.ErrMalformed)
	}
	raw, err := protojson.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("attestpb: %w: %v", attest.ErrMalformed, err)
	}
	// protojson spaces its output at random; the statement keeps compact
	// bytes so the same proto always gives the same statement.
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("attestpb: %w: %v", attest.ErrMalformed, err)
	}
	return attest.ParseStatement(buf.Bytes())
}
