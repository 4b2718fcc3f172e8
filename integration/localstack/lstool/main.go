// Command lstool is the helper start.sh uses, so that the scripts need
// neither curl nor openssl:
//
//	lstool genkey PRIV.pem PUB.pem      an Ed25519 key pair (Rekor v2's checkpoint signer)
//	lstool wait URL SECONDS             wait until GET URL answers 200
//	lstool describe -fulcio URL ...     write a trusted root and signing configs
//
// describe fetches the keys and certificates of a running local Sigstore
// stack (Fulcio, timestamp authority, Rekor logs) and writes a Sigstore
// trusted root and signing configs for them.
package main

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	prototrustroot "github.com/sigstore/protobuf-specs/gen/pb-go/trustroot/v1"
	"github.com/sigstore/rekor-tiles/v2/pkg/note"
	"github.com/sigstore/sigstore-go/pkg/root"
)

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal("usage: lstool genkey|wait|describe ...")
	}
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "genkey":
		if len(args) != 2 {
			log.Fatal("usage: lstool genkey PRIV.pem PUB.pem")
		}
		check(genkey(args[0], args[1]), "genkey")
	case "wait":
		if len(args) != 2 {
			log.Fatal("usage: lstool wait URL SECONDS")
		}
		secs, err := strconv.Atoi(args[1])
		check(err, "wait")
		check(wait(args[0], time.Duration(secs)*time.Second), "wait")
	case "describe":
		describe(args)
	default:
		log.Fatalf("lstool: unknown command %q", cmd)
	}
}

func describe(args []string) {
	fs := flag.NewFlagSet("describe", flag.ExitOnError)
	oidcURL := fs.String("oidc", "", "OIDC issuer URL")
	fulcioURL := fs.String("fulcio", "", "Fulcio base URL")
	tsaURL := fs.String("tsa", "", "timestamp endpoint (full URL)")
	rekor2URL := fs.String("rekor-v2", "", "Rekor v2 base URL")
	rekor2Key := fs.String("rekor-v2-key", "", "PEM public key of the Rekor v2 checkpoint signer")
	rekor1URL := fs.String("rekor-v1", "", "Rekor v1 base URL")
	rootOut := fs.String("trusted-root", "", "write the trusted root here")
	scOut := fs.String("signing-config", "", "write a signing config here (Rekor v2 if running, else v1)")
	scV1Out := fs.String("signing-config-v1", "", "write a signing config with only Rekor v1 here")
	_ = fs.Parse(args)
	if *fulcioURL == "" || *rootOut == "" {
		log.Fatal("lstool describe: -fulcio and -trusted-root are required")
	}
	epoch := time.Now().Add(-time.Hour).Truncate(time.Second)

	tr, err := trustedRoot(epoch, *fulcioURL, *tsaURL, *rekor2URL, *rekor2Key, *rekor1URL)
	check(err, "trusted root")
	j, err := tr.MarshalJSON()
	check(err, "trusted root")
	check(writeJSON(*rootOut, j), "trusted root")

	if *scOut != "" {
		var logs []root.Service
		switch {
		case *rekor2URL != "":
			logs = append(logs, service(*rekor2URL, 2, epoch))
		case *rekor1URL != "":
			logs = append(logs, service(*rekor1URL, 1, epoch))
		}
		check(signingConfig(*scOut, epoch, *oidcURL, *fulcioURL, *tsaURL, logs), "signing config")
	}
	if *scV1Out != "" {
		if *rekor1URL == "" {
			log.Fatal("lstool describe: -signing-config-v1 needs -rekor-v1")
		}
		check(signingConfig(*scV1Out, epoch, *oidcURL, *fulcioURL, *tsaURL, []root.Service{service(*rekor1URL, 1, epoch)}), "signing config v1")
	}
}

func trustedRoot(epoch time.Time, fulcioURL, tsaURL, rekor2URL, rekor2Key, rekor1URL string) (*root.TrustedRoot, error) {
	var tb struct {
		Chains []struct {
			Certificates []string `json:"certificates"`
		} `json:"chains"`
	}
	raw, err := get(fulcioURL + "/api/v2/trustBundle")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &tb); err != nil {
		return nil, fmt.Errorf("fulcio trust bundle: %w", err)
	}
	var cas []root.CertificateAuthority
	for _, ch := range tb.Chains {
		var certs []*x509.Certificate
		for _, p := range ch.Certificates {
			cs, err := parseCerts([]byte(p))
			if err != nil {
				return nil, fmt.Errorf("fulcio trust bundle: %w", err)
			}
			certs = append(certs, cs...)
		}
		if len(certs) == 0 {
			continue
		}
		cas = append(cas, &root.FulcioCertificateAuthority{
			Root: certs[len(certs)-1], Intermediates: certs[:len(certs)-1], URI: fulcioURL, ValidityPeriodStart: epoch,
		})
	}
	if len(cas) == 0 {
		return nil, errors.New("fulcio trust bundle: no certificates")
	}

	var tsas []root.TimestampingAuthority
	if tsaURL != "" {
		raw, err := get(tsaURL + "/certchain")
		if err != nil {
			return nil, err
		}
		certs, err := parseCerts(raw)
		if err != nil {
			return nil, fmt.Errorf("tsa chain: %w", err)
		}
		if len(certs) < 2 {
			return nil, errors.New("tsa chain: want a leaf and a root")
		}
		tsas = append(tsas, &root.SigstoreTimestampingAuthority{
			Leaf: certs[0], Intermediates: certs[1 : len(certs)-1], Root: certs[len(certs)-1], URI: tsaURL, ValidityPeriodStart: epoch,
		})
	}

	logs := map[string]*root.TransparencyLog{}
	if rekor2URL != "" {
		raw, err := os.ReadFile(rekor2Key)
		if err != nil {
			return nil, err
		}
		pub, err := parsePublicKey(raw)
		if err != nil {
			return nil, fmt.Errorf("rekor v2 key: %w", err)
		}
		u, err := url.Parse(rekor2URL)
		if err != nil {
			return nil, err
		}
		// The checkpoint origin (rekor-tiles --hostname) must equal the
		// host of the log's base URL, and the log id is the note key hash.
		_, id, err := note.KeyHash(u.Hostname(), pub)
		if err != nil {
			return nil, err
		}
		logs[fmt.Sprintf("%x", id)] = &root.TransparencyLog{BaseURL: rekor2URL, ID: id, ValidityPeriodStart: epoch,
			HashFunc: crypto.SHA256, PublicKey: pub, SignatureHashFunc: sigHash(pub)}
	}
	if rekor1URL != "" {
		raw, err := get(rekor1URL + "/api/v1/log/publicKey")
		if err != nil {
			return nil, err
		}
		pub, err := parsePublicKey(raw)
		if err != nil {
			return nil, fmt.Errorf("rekor v1 key: %w", err)
		}
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return nil, err
		}
		id := sha256.Sum256(der)
		logs[fmt.Sprintf("%x", id)] = &root.TransparencyLog{BaseURL: rekor1URL, ID: id[:], ValidityPeriodStart: epoch,
			HashFunc: crypto.SHA256, PublicKey: pub, SignatureHashFunc: sigHash(pub)}
	}
	return root.NewTrustedRoot(root.TrustedRootMediaType01, cas, nil, tsas, logs)
}

func service(u string, version uint32, start time.Time) root.Service {
	return root.Service{URL: u, MajorAPIVersion: version, ValidityPeriodStart: start, Operator: "localstack"}
}

func signingConfig(path string, epoch time.Time, oidcURL, fulcioURL, tsaURL string, logs []root.Service) error {
	var oidc, tsa []root.Service
	if oidcURL != "" {
		oidc = append(oidc, service(oidcURL, 1, epoch))
	}
	if tsaURL != "" {
		tsa = append(tsa, service(tsaURL, 1, epoch))
	}
	sc, err := root.NewSigningConfig(root.SigningConfigMediaType02,
		[]root.Service{service(fulcioURL, 1, epoch)}, oidc,
		logs, root.ServiceConfiguration{Selector: prototrustroot.ServiceSelector_ANY},
		tsa, root.ServiceConfiguration{Selector: prototrustroot.ServiceSelector_ANY})
	if err != nil {
		return err
	}
	j, err := sc.MarshalJSON()
	if err != nil {
		return err
	}
	return writeJSON(path, j)
}

// sigHash is the hash a log key signs with: Ed25519 signs whole messages,
// which sigstore-go describes as SHA-512.
func sigHash(pub crypto.PublicKey) crypto.Hash {
	if _, ok := pub.(ed25519.PublicKey); ok {
		return crypto.SHA512
	}
	return crypto.SHA256
}

func parsePublicKey(b []byte) (crypto.PublicKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM block")
	}
	return x509.ParsePKIXPublicKey(blk.Bytes)
}

func parseCerts(b []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no certificates")
	}
	return out, nil
}

func get(u string) ([]byte, error) {
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return bytes.TrimSpace(b), nil
}

func writeJSON(path string, j []byte) error {
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, j, "", "  "); err != nil {
		return err
	}
	pretty.WriteByte('\n')
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, pretty.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// genkey writes a new Ed25519 private key (PKCS#8 PEM, mode 0600) and its
// public key (PKIX PEM).
func genkey(privPath, pubPath string) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	p8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	pk, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	if err := os.WriteFile(privPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pk}), 0o644)
}

// wait polls u until it answers 200 or the limit passes.
func wait(u string, limit time.Duration) error {
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(limit)
	for {
		resp, err := c.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %v: %v", u, limit, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func check(err error, what string) {
	if err != nil {
		log.Fatalf("lstool: %s: %v", what, err)
	}
}
