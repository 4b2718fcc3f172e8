package policyfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/verify"
)

// DefaultCELCostLimit is the cost one CEL evaluation may reach (CEL's
// own unit: about one per operation, more for strings and lists) before
// it is stopped with policy.ErrPolicyBudget.
const DefaultCELCostLimit = 100000

// MaxCELBytes bounds one CEL expression.
const MaxCELBytes = 4096

// The variables of a CEL rule, on one attestation:
//
//	predicate      the decoded predicate: for a predicate type this SDK
//	               types (inside require/slsa), its Go type with the JSON
//	               field names, type-checked at load; else dyn (its JSON)
//	predicateType  string
//	subject        the subject that matched the artifact
//	               (attest.ResourceDescriptor: name, digest, ...)
//	signers        list of verify.Signer (kind, keyId, san, issuer, claims)
//	times          list of verify.VerifiedTime (time, source, authority)
//	now            the decision time (timestamp)
//
// The names of the Go types' fields are their JSON names.

type celRule struct {
	expr  string
	prg   cel.Program
	typed bool // predicate is the decoded Go value, not its JSON
}

func celTypeName(t reflect.Type) string {
	return t.PkgPath()[strings.LastIndexByte(t.PkgPath(), '/')+1:] + "." + t.Name()
}

// cel compiles expr for attestations of predicateType.
func (l *loader) cel(n node, expr, predicateType string) (policy.Rule[policy.Item], error) {
	if len(expr) > MaxCELBytes {
		return nil, n.errorf("CEL expression of %d bytes, limit %d", len(expr), MaxCELBytes)
	}
	natives := []any{ext.ParseStructTag("json"),
		reflect.TypeFor[attest.ResourceDescriptor](), reflect.TypeFor[verify.Signer](),
		reflect.TypeFor[verify.FulcioClaims](), reflect.TypeFor[verify.VerifiedTime]()}
	predType := cel.DynType
	typed := false
	if t, ok := l.opts.Predicates.Lookup(predicateType); ok && predicateType != "" && t.Kind() == reflect.Struct {
		natives = append(natives, t)
		predType = cel.ObjectType(celTypeName(t))
		typed = true
	}
	env, err := cel.NewEnv(
		ext.NativeTypes(natives...),
		cel.Variable("predicate", predType),
		cel.Variable("predicateType", cel.StringType),
		cel.Variable("subject", cel.ObjectType(celTypeName(reflect.TypeFor[attest.ResourceDescriptor]()))),
		cel.Variable("signers", cel.ListType(cel.ObjectType(celTypeName(reflect.TypeFor[verify.Signer]())))),
		cel.Variable("times", cel.ListType(cel.ObjectType(celTypeName(reflect.TypeFor[verify.VerifiedTime]())))),
		cel.Variable("now", cel.TimestampType),
		ext.Strings(),
	)
	if err != nil {
		return nil, n.errorf("CEL environment: %v", err)
	}
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		return nil, n.errorf("CEL: %s", oneLine(iss.Err().Error()))
	}
	if !ast.OutputType().IsExactType(cel.BoolType) {
		return nil, n.errorf("CEL expression is of type %s, want bool", ast.OutputType())
	}
	prg, err := env.Program(ast, cel.CostLimit(l.opts.CELCostLimit), cel.InterruptCheckFrequency(100), cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, n.errorf("CEL: %v", err)
	}
	r := &celRule{expr: expr, prg: prg, typed: typed}
	return &policy.Leaf[policy.Item]{
		ID: "cel", Path: n.path, Want: "CEL " + truncate(expr) + " to hold", Kind: policy.ErrRule,
		Test: r.test,
	}, nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// activation resolves the variables of one evaluation.
type activation struct {
	it        *policy.Item
	now       time.Time
	predicate any
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case "predicate":
		return a.predicate, a.predicate != nil
	case "predicateType":
		return a.it.PredicateType, true
	case "subject":
		if a.it.Subject == nil {
			return nil, false
		}
		return a.it.Subject, true
	case "signers":
		return a.it.Signers, true
	case "times":
		return a.it.Times, true
	case "now":
		return a.now, !a.now.IsZero()
	}
	return nil, false
}

func (a *activation) Parent() cel.Activation { return nil }

func (r *celRule) test(c *policy.Context, it *policy.Item) (bool, error) {
	a := &activation{it: it, now: c.Now}
	if it.Statement != nil {
		if r.typed {
			p, err := it.Predicate()
			if err != nil {
				return false, err
			}
			a.predicate = reflect.ValueOf(p).Elem().Interface()
		} else {
			var v any
			if err := json.Unmarshal(it.Statement.Predicate, &v); err != nil {
				return false, fmt.Errorf("%w: %v", policy.ErrPredicate, err)
			}
			a.predicate = v
		}
	}
	out, _, err := r.prg.Eval(a)
	if err != nil {
		if strings.Contains(err.Error(), "cost limit exceeded") {
			return false, fmt.Errorf("%w: CEL %q: %v", policy.ErrPolicyBudget, truncate(r.expr), err)
		}
		return false, fmt.Errorf("CEL %q: %v", truncate(r.expr), err)
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, errors.New("CEL expression did not return a bool")
	}
	return bool(b), nil
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}
