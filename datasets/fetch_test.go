package datasets

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// tarGz builds a gzipped tar of files (name → contents), in the given order, with a
// directory entry first as the real archives have.
func tarGz(t *testing.T, dir string, names []string, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: dir + "/", Typeflag: tar.TypeDir, Mode: 0o755}); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b := files[n]
		if err := tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(b))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// smallCIFAR10Archive returns an archive in the layout of cifar-10-binary.tar.gz with 3
// records per training batch and 2 test records.
func smallCIFAR10Archive(t *testing.T) []byte {
	files := map[string][]byte{}
	var names []string
	d := "cifar-10-batches-bin/"
	for k := 1; k <= 5; k++ {
		n := d + "data_batch_" + strconv.Itoa(k) + ".bin"
		files[n] = cifarRecords(3, func(i int) []byte { return []byte{byte((i + k) % 10)} })
		names = append(names, n)
	}
	files[d+"test_batch.bin"] = cifarRecords(2, func(i int) []byte { return []byte{byte(i)} })
	files[d+"batches.meta.txt"] = []byte("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n")
	files[d+"readme.html"] = []byte("<html></html>")
	names = append(names, d+"test_batch.bin", d+"batches.meta.txt", d+"readme.html")
	return tarGz(t, "cifar-10-batches-bin", names, files)
}

func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// serve starts a server on 127.0.0.1 answering every request with handler, counting requests.
func serve(t *testing.T, handler func(w http.ResponseWriter)) (url string, count *atomic.Int32) {
	t.Helper()
	count = &atomic.Int32{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		count.Add(1)
		handler(w)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/cifar-10-binary.tar.gz", count
}

// testArchive is the CIFAR-10 archive description pointed at url with the given MD5.
func testArchive(t *testing.T, url, sum string) Archive {
	a, err := CIFARArchive(CIFAR10)
	if err != nil {
		t.Fatal(err)
	}
	a.URL, a.MD5 = url, sum
	return a
}

// assertEmpty fails when dir holds anything.
func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("left behind in the data directory: %s", e.Name())
	}
}

func TestFetchCIFAR10(t *testing.T) {
	archive := smallCIFAR10Archive(t)
	url, count := serve(t, func(w http.ResponseWriter) { w.Write(archive) })
	root := t.TempDir()
	a := testArchive(t, url, md5Hex(archive))
	res, err := Fetch(context.Background(), a, root, FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Downloaded || res.Bytes != int64(len(archive)) {
		t.Errorf("result %+v: want downloaded, %d bytes", res, len(archive))
	}
	s, err := Load(CIFAR10, root)
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.Len() != 15 || s.Test.Len() != 2 || len(s.Train.ClassNames) != 10 {
		t.Errorf("loaded %d train, %d test, classes %q: want 15, 2 and 10 names", s.Train.Len(), s.Test.Len(), s.Train.ClassNames)
	}
	// Only the dataset's directory is left, no temporary files.
	ents, _ := os.ReadDir(root)
	if len(ents) != 1 || ents[0].Name() != "cifar-10-batches-bin" {
		t.Errorf("data directory holds %v: want only cifar-10-batches-bin", ents)
	}
	// A second fetch finds it there and downloads nothing.
	res, err = Fetch(context.Background(), a, root, FetchOptions{})
	if err != nil || res.Downloaded || count.Load() != 1 {
		t.Errorf("second fetch: %+v, %v, %d requests: want no download", res, err, count.Load())
	}
}

func TestFetchCIFAR100(t *testing.T) {
	d := "cifar-100-binary/"
	rec := func(i int) []byte { return []byte{byte(i % 20), byte(i % 100)} }
	files := map[string][]byte{d + "train.bin": cifarRecords(4, rec), d + "test.bin": cifarRecords(2, rec),
		d + "fine_label_names.txt": []byte(strings.Repeat("x\n", 100))}
	archive := tarGz(t, "cifar-100-binary", []string{d + "train.bin", d + "test.bin", d + "fine_label_names.txt"}, files)
	url, _ := serve(t, func(w http.ResponseWriter) { w.Write(archive) })
	a, err := CIFARArchive(CIFAR100)
	if err != nil {
		t.Fatal(err)
	}
	a.URL, a.MD5 = url, md5Hex(archive)
	root := t.TempDir()
	if _, err := Fetch(context.Background(), a, root, FetchOptions{}); err != nil {
		t.Fatal(err)
	}
	s, err := Load(CIFAR100, root)
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.Len() != 4 || s.Test.Len() != 2 || s.Train.Labels[3] != 3 {
		t.Errorf("loaded %d train, %d test, labels %v", s.Train.Len(), s.Test.Len(), s.Train.Labels)
	}
}

func TestFetchErrors(t *testing.T) {
	archive := smallCIFAR10Archive(t)
	good := md5Hex(archive)
	corrupt := append([]byte(nil), archive...)
	corrupt[len(corrupt)/2] ^= 0xff
	// A gzip stream cut short, whose MD5 we pretend is the published one: it passes the check
	// and must fail while unpacking.
	short := archive[:len(archive)/2]
	// A valid archive lacking test_batch.bin.
	lacking := tarGz(t, "cifar-10-batches-bin", []string{"cifar-10-batches-bin/data_batch_1.bin"},
		map[string][]byte{"cifar-10-batches-bin/data_batch_1.bin": cifarRecords(1, func(int) []byte { return []byte{0} })})

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	offline := "http://" + closed.Addr().String() + "/cifar-10-binary.tar.gz"
	closed.Close()

	for _, tc := range []struct {
		name    string
		handler func(w http.ResponseWriter)
		url     string
		sum     string
		want    string
	}{
		{name: "truncated", sum: good, want: "interrupted after",
			handler: func(w http.ResponseWriter) {
				// Announce the whole archive, send half of it and hang up.
				w.Header().Set("Content-Length", strconv.Itoa(len(archive)))
				w.Write(archive[:len(archive)/2])
			}},
		{name: "corrupt", sum: good, want: "want the published " + good,
			handler: func(w http.ResponseWriter) { w.Write(corrupt) }},
		{name: "not found", sum: good, want: "404",
			handler: func(w http.ResponseWriter) { http.Error(w, "no", http.StatusNotFound) }},
		{name: "bad gzip", sum: md5Hex(short), want: "unpacking",
			handler: func(w http.ResponseWriter) { w.Write(short) }},
		{name: "missing file", sum: md5Hex(lacking), want: "missing data_batch_2.bin",
			handler: func(w http.ResponseWriter) { w.Write(lacking) }},
		{name: "offline", url: offline, sum: good, want: "offline?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := tc.url
			if tc.handler != nil {
				url, _ = serve(t, tc.handler)
			}
			root := t.TempDir()
			_, err := Fetch(context.Background(), testArchive(t, url, tc.sum), root, FetchOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v: want one containing %q", err, tc.want)
			}
			assertEmpty(t, root)
		})
	}
}

// An incomplete directory already in place is reported, not overwritten.
func TestFetchIncompleteExisting(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(root+"/cifar-10-batches-bin", 0o755); err != nil {
		t.Fatal(err)
	}
	url, count := serve(t, func(w http.ResponseWriter) {})
	_, err := Fetch(context.Background(), testArchive(t, url, "00"), root, FetchOptions{})
	if err == nil || !strings.Contains(err.Error(), "incomplete") || count.Load() != 0 {
		t.Errorf("error %v after %d requests: want 'incomplete' and no request", err, count.Load())
	}
}

func TestCIFARArchiveUnknown(t *testing.T) {
	if _, err := CIFARArchive(FashionMNIST); err == nil {
		t.Error("fashion-mnist has no archive to fetch: want an error")
	}
}
