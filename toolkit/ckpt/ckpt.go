package ckpt

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// magic opens every checkpoint file; the header line is
//
//	dartboard-checkpoint 2 sha256=<64 hex digits> size=<payload bytes>\n
//
// and the gob payload follows.
const magic = "dartboard-checkpoint"

// formatVersion is the version of the file layout (header and payload), not of what the
// payload holds: callers version their own values.
const formatVersion = 2

// maxHeader bounds the header line.
const maxHeader = 256

// ErrCorrupt is returned (wrapped) when a checkpoint's content does not match its checksum or
// its header is damaged.
var ErrCorrupt = errors.New("checkpoint is corrupt")

// ErrTruncated is returned (wrapped) when a checkpoint file is shorter than its header says.
var ErrTruncated = errors.New("checkpoint is truncated")

// Save writes v (gob-encoded, behind a header holding its SHA-256 and size) to path atomically.
func Save(path string, v any) error {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(v); err != nil {
		return fmt.Errorf("checkpoint %s: encoding: %w", path, err)
	}
	sum := sha256.Sum256(payload.Bytes())
	header := fmt.Sprintf("%s %d sha256=%s size=%d\n", magic, formatVersion, hex.EncodeToString(sum[:]), payload.Len())

	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if _, err := f.WriteString(header); err != nil {
		return fail(err)
	}
	if _, err := f.Write(payload.Bytes()); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return nil
}

// Load reads the checkpoint at path into v (a pointer). The content must match the checksum
// of its header: a changed byte gives an error wrapping ErrCorrupt, a short file one wrapping
// ErrTruncated, a missing file one wrapping fs.ErrNotExist. Gob ignores fields of the file
// that v lacks, so a small struct (say, with only a Step field) reads part of a checkpoint.
func Load(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("resume: there is no checkpoint %s: %w", path, err)
		}
		return fmt.Errorf("resume: reading checkpoint: %w", err)
	}
	payload, err := verify(data)
	if err != nil {
		return fmt.Errorf("resume: checkpoint %s %w", path, err)
	}
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(v); err != nil {
		// The checksum matched: the file is intact but holds something else.
		return fmt.Errorf("resume: checkpoint %s is intact but does not decode as this kind of checkpoint: %w", path, err)
	}
	return nil
}

// verify checks data's header and checksum and returns the payload. Its errors read after
// "checkpoint PATH ".
func verify(data []byte) ([]byte, error) {
	nl := bytes.IndexByte(data[:min(len(data), maxHeader)], '\n')
	if !bytes.HasPrefix(data, []byte(magic+" ")) || nl < 0 {
		short := len(data) < len(magic) && bytes.HasPrefix([]byte(magic), data)
		if short || (nl < 0 && len(data) < maxHeader && bytes.HasPrefix(data, []byte(magic+" "))) {
			return nil, fmt.Errorf("is truncated (%d bytes, inside its header): %w", len(data), ErrTruncated)
		}
		return nil, fmt.Errorf("is not a dartboard checkpoint, or is corrupt, or was written by a dartboard older than checkpoint format %d (no %q header): %w",
			formatVersion, magic, ErrCorrupt)
	}
	fields := strings.Fields(string(data[len(magic):nl]))
	if len(fields) != 3 || !strings.HasPrefix(fields[1], "sha256=") || !strings.HasPrefix(fields[2], "size=") {
		return nil, fmt.Errorf("is corrupt (damaged header %q): %w", data[:nl], ErrCorrupt)
	}
	if fields[0] != strconv.Itoa(formatVersion) {
		return nil, fmt.Errorf("has file format %s, this dartboard reads %d: %w", fields[0], formatVersion, ErrCorrupt)
	}
	want, err := hex.DecodeString(strings.TrimPrefix(fields[1], "sha256="))
	size, err2 := strconv.Atoi(strings.TrimPrefix(fields[2], "size="))
	if err != nil || err2 != nil || len(want) != sha256.Size || size < 0 {
		return nil, fmt.Errorf("is corrupt (damaged header %q): %w", data[:nl], ErrCorrupt)
	}
	payload := data[nl+1:]
	switch {
	case len(payload) < size:
		return nil, fmt.Errorf("is truncated (%d of %d bytes): %w", len(payload), size, ErrTruncated)
	case len(payload) > size:
		return nil, fmt.Errorf("is corrupt (%d bytes after its header, which says %d): %w", len(payload), size, ErrCorrupt)
	}
	if got := sha256.Sum256(payload); !bytes.Equal(got[:], want) {
		return nil, fmt.Errorf("is corrupt (checksum mismatch: its content changed after it was written): %w", ErrCorrupt)
	}
	return payload, nil
}
