// Command keygen writes a new signing key pair: PREFIX.key (PKCS#8 PEM, or
// cosign's encrypted format with -encrypt) and PREFIX.pub (PKIX PEM).
//
// Usage:
//
//	keygen [-type ecdsa-p256|ecdsa-p384|ecdsa-p521|ed25519|rsa-2048|rsa-3072|rsa-4096] [-encrypt] PREFIX
//
// With -encrypt the password comes from CHAINMAIL_PASSWORD or
// COSIGN_PASSWORD, and cosign can use the key. Existing files are never
// overwritten. Exit status: 0 written, 1 failed, 2 usage.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/chainmail-dev/chainmail/examples/internal/cli"
	"github.com/chainmail-dev/chainmail/sign"
)

const prog = "keygen"

func main() {
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	keyType := fs.String("type", string(sign.ECDSAP256), "key `type`")
	encrypt := fs.Bool("encrypt", false, "encrypt the private key (cosign's format)")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: keygen [-type TYPE] [-encrypt] PREFIX")
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(cli.ExitUsage)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		os.Exit(cli.ExitUsage)
	}
	prefix := fs.Arg(0)
	for _, p := range []string{prefix + ".key", prefix + ".pub"} {
		if _, err := os.Stat(p); err == nil {
			cli.Exit(prog, cli.ExitUsage, fmt.Errorf("%s exists; not overwriting it", p))
		}
	}

	key, err := sign.GenerateKey(sign.KeyType(*keyType))
	if err != nil {
		cli.Exit(prog, cli.ExitUsage, err)
	}
	var private []byte
	if *encrypt {
		password, perr := cli.Password()
		if perr != nil {
			cli.Exit(prog, cli.ExitUsage, perr)
		}
		if len(password) == 0 {
			cli.Exit(prog, cli.ExitUsage, errors.New("refusing an empty password"))
		}
		private, err = sign.EncryptPrivateKey(key, password)
	} else {
		private, err = sign.MarshalPrivateKey(key)
	}
	if err != nil {
		cli.Exit(prog, cli.ExitRejected, err)
	}
	public, err := sign.MarshalPublicKey(key.Public())
	if err != nil {
		cli.Exit(prog, cli.ExitRejected, err)
	}
	id, _ := sign.KeyID(key.Public())
	if err := cli.WriteFile(prefix+".key", private, 0o600); err != nil {
		cli.Exit(prog, cli.ExitRejected, err)
	}
	if err := cli.WriteFile(prefix+".pub", public, 0o644); err != nil {
		cli.Exit(prog, cli.ExitRejected, err)
	}
	fmt.Printf("wrote %s.key and %s.pub (key id %s)\n", prefix, prefix, id)
}
