package digest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/chainmail-dev/chainmail/digest"
)

func ExampleFromReader() {
	d, err := digest.FromReader(strings.NewReader("hello\n"), digest.SHA256)
	if err != nil {
		panic(err)
	}
	fmt.Println(d)
	// Output: sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
}

func ExampleParse() {
	d, err := digest.Parse("sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
	fmt.Println(d.Algorithm(), err)

	// Only the canonical form parses: upper case, short values and unknown
	// algorithms are errors.
	_, err = digest.Parse("sha256:5891B5B522D5DF08")
	fmt.Println(errors.Is(err, digest.ErrMalformed))
	_, err = digest.Parse("md5:d41d8cd98f00b204e9800998ecf8427e")
	fmt.Println(errors.Is(err, digest.ErrUnsupportedAlgorithm))
	// Output:
	// sha256 <nil>
	// true
	// true
}

func ExampleDigest_MarshalText() {
	d, _ := digest.FromReader(strings.NewReader(""), digest.SHA256)
	// A Digest is comparable and marshals as its text, also as a map key.
	sizes := map[digest.Digest]int{d: 0}
	out, _ := json.Marshal(sizes)
	fmt.Println(string(out))
	// Output: {"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855":0}
}

func ExampleSet_Match() {
	actual, _ := digest.SetFromReader(strings.NewReader("hello\n"), digest.SHA256, digest.SHA512)

	good := digest.Set{"sha256": actual["sha256"]}
	matched, err := good.Match(actual)
	fmt.Println(matched, err)

	// A right sha256 does not save a wrong sha512: every algorithm present
	// on both sides must agree.
	mixed := digest.Set{"sha256": actual["sha256"], "sha512": strings.Repeat("0", 128)}
	_, err = mixed.Match(actual)
	fmt.Println(errors.Is(err, digest.ErrMismatch))

	// sha1 alone is never accepted.
	_, err = digest.Set{"sha1": "f572d396fae9206628714fb2ce00f72e94f2258f"}.Match(actual)
	fmt.Println(errors.Is(err, digest.ErrNoAcceptedAlgorithm))
	// Output:
	// map[sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03] <nil>
	// true
	// true
}
