package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cifar10Archive builds a tar.gz in the layout of cifar-10-binary.tar.gz with one record per
// file.
func cifar10Archive(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	rec := make([]byte, 1+3072)
	for _, f := range []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"} {
		if err := tw.WriteHeader(&tar.Header{Name: "cifar-10-batches-bin/" + f, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(rec))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(rec)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// `dartboard data fetch` against a server on 127.0.0.1: fetched once, found the second time,
// a wrong MD5 is one error line and leaves nothing, an unknown dataset is a usage error.
func TestDataFetchCommand(t *testing.T) {
	archive := cifar10Archive(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(archive) }))
	defer srv.Close()
	sum := md5.Sum(archive)
	dir := t.TempDir()
	args := []string{"data", "fetch", "cifar10", "--data-dir", dir, "--url", srv.URL + "/a.tar.gz", "--md5", hex.EncodeToString(sum[:])}
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "unpacked into "+filepath.Join(dir, "cifar-10-batches-bin")) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	if code := run(args, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "already in") {
		t.Errorf("second fetch: exit %d, stdout %q", code, stdout.String())
	}

	other := t.TempDir()
	stderr.Reset()
	bad := []string{"data", "fetch", "cifar10", "--data-dir", other, "--url", srv.URL + "/a.tar.gz", "--md5", "0123456789abcdef0123456789abcdef"}
	if code := run(bad, &stdout, &stderr); code != 1 || strings.Count(stderr.String(), "\n") != 2 || !strings.Contains(stderr.String(), "MD5") {
		// Two lines: "fetching ..." and the error.
		t.Errorf("wrong MD5: exit %d, stderr %q", code, stderr.String())
	}
	if ents, _ := os.ReadDir(other); len(ents) != 0 {
		t.Errorf("a failed fetch left %v", ents)
	}
	if code := run([]string{"data", "fetch", "fashion-mnist"}, &stdout, &stderr); code != 2 {
		t.Errorf("fetch fashion-mnist: exit %d, want 2", code)
	}
}
