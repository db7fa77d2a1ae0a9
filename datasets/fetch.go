package datasets

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Archive describes a dataset archive that Fetch can download: a gzipped tar file at URL
// with the published MD5, which unpacks into the directory Subdir holding Files.
type Archive struct {
	// Dataset is the dataset name (see Names).
	Dataset string
	// URL is the address of the archive.
	URL string
	// MD5 is the published MD5 of the archive, in hexadecimal.
	MD5 string
	// Size is the published size of the archive in bytes (0: unknown). It only serves the
	// progress display; the MD5 is what is checked.
	Size int64
	// Subdir is the directory the archive unpacks into (and Load looks for), e.g.
	// "cifar-10-batches-bin".
	Subdir string
	// Files are the files Load needs inside Subdir; each must be a whole number of Record-byte
	// records.
	Files []string
	// Record is the size in bytes of one record of Files.
	Record int
}

// CIFARArchive returns the canonical archive of CIFAR-10 or CIFAR-100 (binary version), as
// published on https://www.cs.toronto.edu/~kriz/cifar.html.
func CIFARArchive(name string) (Archive, error) {
	switch name {
	case CIFAR10:
		return Archive{
			Dataset: CIFAR10,
			URL:     "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
			MD5:     "c32a1d4ab5d03f1284b67883e8d87530",
			Size:    170052171,
			Subdir:  Subdir(CIFAR10),
			Files:   []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"},
			Record:  1 + cifarImageSize,
		}, nil
	case CIFAR100:
		return Archive{
			Dataset: CIFAR100,
			URL:     "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
			MD5:     "03b5dce01913d631647c71ecec9e9cb8",
			Size:    168513733,
			Subdir:  Subdir(CIFAR100),
			Files:   []string{"train.bin", "test.bin"},
			Record:  2 + cifarImageSize,
		}, nil
	}
	return Archive{}, fmt.Errorf("fetch: no archive known for dataset %q: want %s or %s (%s is installed by %s)",
		name, CIFAR10, CIFAR100, FashionMNIST, SetupCommand)
}

// FetchOptions tunes Fetch.
type FetchOptions struct {
	// Client does the download; nil means a client with a 30 s connection timeout.
	Client *http.Client
	// Progress, when not nil, receives a progress line every few seconds.
	Progress io.Writer
}

// FetchResult says what Fetch did.
type FetchResult struct {
	// Dir is the dataset's directory (root/Subdir).
	Dir string
	// Downloaded is false when the dataset was already there and nothing was fetched.
	Downloaded bool
	// Bytes is the size of the downloaded archive.
	Bytes int64
}

// Fetch downloads archive a into root and unpacks it to root/a.Subdir, where Load finds it.
// It checks the archive's MD5 while downloading, unpacks into a temporary directory of root,
// checks that every one of a.Files is there and a whole number of records, and only then
// renames the directory into place: an interrupted, truncated or corrupt download leaves
// nothing behind but an error. When root/a.Subdir already holds the files, it downloads
// nothing.
func Fetch(ctx context.Context, a Archive, root string, opt FetchOptions) (FetchResult, error) {
	dest := filepath.Join(root, a.Subdir)
	res := FetchResult{Dir: dest}
	if _, err := os.Stat(dest); err == nil {
		if err := checkArchiveFiles(a, dest); err != nil {
			return res, fmt.Errorf("fetch %s: %s already exists but is incomplete (%w): remove it and fetch again", a.Dataset, dest, err)
		}
		return res, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return res, fmt.Errorf("fetch %s: data directory: %w", a.Dataset, err)
	}
	part, err := os.CreateTemp(root, "."+a.Dataset+"-*.tar.gz.part")
	if err != nil {
		return res, fmt.Errorf("fetch %s: %w", a.Dataset, err)
	}
	defer os.Remove(part.Name())
	defer part.Close()
	n, err := download(ctx, a, part, opt)
	if err != nil {
		return res, fmt.Errorf("fetch %s: %w", a.Dataset, err)
	}
	res.Bytes = n
	if _, err := part.Seek(0, io.SeekStart); err != nil {
		return res, fmt.Errorf("fetch %s: %w", a.Dataset, err)
	}
	tmp, err := os.MkdirTemp(root, "."+a.Dataset+"-unpack-*")
	if err != nil {
		return res, fmt.Errorf("fetch %s: %w", a.Dataset, err)
	}
	defer os.RemoveAll(tmp)
	if err := untar(part, tmp, a.Subdir); err != nil {
		return res, fmt.Errorf("fetch %s: unpacking %s: %w", a.Dataset, a.URL, err)
	}
	if err := checkArchiveFiles(a, filepath.Join(tmp, a.Subdir)); err != nil {
		return res, fmt.Errorf("fetch %s: the archive from %s: %w", a.Dataset, a.URL, err)
	}
	if err := os.Rename(filepath.Join(tmp, a.Subdir), dest); err != nil {
		return res, fmt.Errorf("fetch %s: %w", a.Dataset, err)
	}
	res.Downloaded = true
	return res, nil
}

// download writes the archive at a.URL to w and checks its MD5; it returns the bytes written.
func download(ctx context.Context, a Archive, w io.Writer, opt FetchOptions) (int64, error) {
	client := opt.Client
	if client == nil {
		client = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			ResponseHeaderTimeout: 30 * time.Second,
			TLSHandshakeTimeout:   30 * time.Second,
		}}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL, nil)
	if err != nil {
		return 0, fmt.Errorf("address %q: %w", a.URL, err)
	}
	manual := fmt.Sprintf("without internet access, download %s elsewhere (MD5 %s) and extract it into the data directory", a.URL, a.MD5)
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("downloading %s: %w (offline? %s)", a.URL, err, manual)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("downloading %s: HTTP status %s (%s)", a.URL, resp.Status, manual)
	}
	h := md5.New()
	total := a.Size
	if resp.ContentLength > 0 {
		total = resp.ContentLength
	}
	pw := &progressWriter{w: opt.Progress, total: total, start: time.Now(), last: time.Now()}
	n, err := io.Copy(io.MultiWriter(w, h, pw), resp.Body)
	if err != nil {
		return n, fmt.Errorf("downloading %s: interrupted after %d bytes: %w", a.URL, n, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, a.MD5) {
		return n, fmt.Errorf("downloading %s: the %d bytes received have MD5 %s, want the published %s (truncated or corrupt download; nothing was kept, try again)", a.URL, n, got, a.MD5)
	}
	return n, nil
}

// progressWriter prints the download's progress every 5 seconds.
type progressWriter struct {
	w           io.Writer
	n, total    int64
	start, last time.Time
}

func (p *progressWriter) Write(b []byte) (int, error) {
	p.n += int64(len(b))
	if p.w != nil && time.Since(p.last) > 5*time.Second {
		p.last = time.Now()
		rate := float64(p.n) / time.Since(p.start).Seconds() / 1e6
		if p.total > 0 {
			fmt.Fprintf(p.w, "downloaded %.1f of %.1f MB (%.1f MB/s)\n", float64(p.n)/1e6, float64(p.total)/1e6, rate)
		} else {
			fmt.Fprintf(p.w, "downloaded %.1f MB (%.1f MB/s)\n", float64(p.n)/1e6, rate)
		}
	}
	return len(b), nil
}

// untar unpacks the regular files of the gzipped tar r that lie under subdir into dir. It
// refuses absolute paths and paths that climb out with "..".
func untar(r io.Reader, dir, subdir string) error {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return err
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(hdr.Name)
		if path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return fmt.Errorf("entry %q escapes the archive", hdr.Name)
		}
		if hdr.Typeflag != tar.TypeReg || !strings.HasPrefix(name, subdir+"/") {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, tr); err != nil {
			f.Close()
			return fmt.Errorf("entry %s: %w", hdr.Name, err)
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
}

// checkArchiveFiles checks that dir holds every file of a, each a non-zero whole number of
// records.
func checkArchiveFiles(a Archive, dir string) error {
	for _, f := range a.Files {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			return fmt.Errorf("missing %s", f)
		}
		if st.Size() == 0 || st.Size()%int64(a.Record) != 0 {
			return fmt.Errorf("%s has %d bytes: want a non-zero multiple of %d-byte records", f, st.Size(), a.Record)
		}
	}
	return nil
}
