package sign_test

import (
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"

	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
)

// FuzzLoadPrivateKey feeds arbitrary bytes to LoadPrivateKey: it must
// never panic, and every error must be one of the three key errors. The
// password function fails, so fuzzing never pays for scrypt; the
// structure of encrypted keys is still parsed up to that point.
func FuzzLoadPrivateKey(f *testing.F) {
	p256 := signtest.ECDSAPrivateKey(f, elliptic.P256(), "fuzz")
	ed := signtest.Ed25519PrivateKey(f, "fuzz")
	rk := signtest.RSAPrivateKey(f, signtest.RSA2048)
	enc := func(typ string) func([]byte, error) []byte {
		return func(der []byte, err error) []byte {
			if err != nil {
				f.Fatal(err)
			}
			return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
		}
	}
	f.Add(enc("PRIVATE KEY")(x509.MarshalPKCS8PrivateKey(p256)))
	f.Add(enc("PRIVATE KEY")(x509.MarshalPKCS8PrivateKey(ed)))
	f.Add(enc("EC PRIVATE KEY")(x509.MarshalECPrivateKey(p256)))
	f.Add(enc("RSA PRIVATE KEY")(x509.MarshalPKCS1PrivateKey(rk), nil))
	f.Add(signtest.RSAKeyPEM(f, signtest.RSA1024))
	f.Add(readCosign(f, "cosign.key"))
	f.Add(readCosign(f, "cosign.pub"))
	f.Add([]byte("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjoxMDczNzQxODI0LCJyIjo4LCJwIjoxfX19\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"))
	f.Add([]byte(""))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"))
	errPW := errors.New("no password in fuzzing")
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := sign.LoadPrivateKey(data, func() ([]byte, error) { return nil, errPW })
		if err != nil {
			if k != nil {
				t.Fatal("key and error")
			}
			if !errors.Is(err, sign.ErrMalformedKey) && !errors.Is(err, sign.ErrUnsupportedKey) && !errors.Is(err, sign.ErrPassword) {
				t.Fatalf("uncategorized error: %v", err)
			}
			return
		}
		// A key that loads is on the allow-list and makes a signer.
		if _, err := sign.NewSigner(k); err != nil {
			t.Fatalf("loaded key refused by NewSigner: %v", err)
		}
	})
}
