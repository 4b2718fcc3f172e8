package sign_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/sign"
)

func TestVirtualSmoke(t *testing.T) {
	v := newVirtualSigstore(t)
	svc := v.Services()
	svc.Rekor = append(svc.Rekor, v.RekorV1())
	k, err := sign.NewKeyless(sign.KeylessConfig{Token: sign.StaticToken(v.Token("alice@example.test")), Services: svc, TrustedRoot: v.TrustedRoot()})
	if err != nil {
		t.Fatal(err)
	}
	b, err := k.SignBlob(context.Background(), strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	t.Log(b.TlogEntryCount(), b.TimestampCount())
}
