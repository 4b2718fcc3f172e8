// Command digest hashes files with the public digest package
// (digest.FromFile) and prints lines in the format of sha256sum and
// sha512sum ("HEX  PATH"), so bench/digest.sh can compare the two.
//
// Usage:
//
//	go run ./bench/cmd/digest [-a sha256|sha384|sha512] FILE...
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/chainmail-dev/chainmail/digest"
)

func main() {
	alg := flag.String("a", "sha256", "algorithm: sha256, sha384 or sha512")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: digest [-a sha256|sha384|sha512] FILE...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	a := digest.Algorithm(*alg)
	if !a.Supported() {
		fmt.Fprintf(os.Stderr, "digest: unsupported algorithm %q\n", *alg)
		os.Exit(2)
	}
	status := 0
	for _, path := range flag.Args() {
		d, err := digest.FromFile(path, a)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
			continue
		}
		fmt.Printf("%s  %s\n", d.Hex(), path)
	}
	os.Exit(status)
}
