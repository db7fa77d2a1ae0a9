package search

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// faultyFile is an *os.File whose writes fail after budget bytes, having written only what fit
// (as a full disk does).
type faultyFile struct {
	*os.File
	budget int
}

func (f *faultyFile) Write(p []byte) (int, error) {
	if len(p) <= f.budget {
		f.budget -= len(p)
		return f.File.Write(p)
	}
	n, err := f.File.Write(p[:f.budget])
	f.budget = 0
	if err != nil {
		return n, err
	}
	return n, syscall.ENOSPC
}

// A write that fails part-way leaves no torn line: the file holds whole records only, the
// offset counts them, and writing resumes cleanly once space is back.
func TestJSONLFullDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.jsonl")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	ff := &faultyFile{File: f, budget: 1 << 20}
	j, err := newJSONL(ff, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if err := j.Record(&Record{Kind: "meta", Epochs: 2}); err != nil {
		t.Fatal(err)
	}
	if err := j.Record(&Record{Kind: "step", Step: 1, TrainLoss: 2.5}); err != nil {
		t.Fatal(err)
	}
	good := j.Offset()
	ff.budget = 10 // the next record fails after 10 bytes
	err = j.Record(&Record{Kind: "step", Step: 2, TrainLoss: 2.25})
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "partial line was cut") {
		t.Fatalf("got %v", err)
	}
	if j.Offset() != good {
		t.Errorf("offset %d after a failed write, want %d", j.Offset(), good)
	}
	if st, _ := os.Stat(path); st.Size() != good {
		t.Errorf("file has %d bytes, want %d (whole records)", st.Size(), good)
	}
	recs, err := ReadLogFile(path)
	if err != nil || len(recs) != 2 {
		t.Fatalf("after the failure: %d records, %v", len(recs), err)
	}
	ff.budget = 1 << 20 // space is back
	if err := j.Record(&Record{Kind: "step", Step: 2, TrainLoss: 2.25}); err != nil {
		t.Fatal(err)
	}
	recs, err = ReadLogFile(path)
	if err != nil || len(recs) != 3 || recs[2].Step != 2 {
		t.Fatalf("after recovery: %+v, %v", recs, err)
	}
}

// Opening at an offset cuts everything after it, a torn tail included.
func TestJSONLCutsTornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.jsonl")
	j, err := OpenJSONL(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Record(&Record{Kind: "step", Step: 1}); err != nil {
		t.Fatal(err)
	}
	off := j.Offset()
	j.Close()
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	f.WriteString(`{"kind":"step","st`) // a writer killed mid-line
	f.Close()
	if _, err := ReadLogFile(path); err == nil {
		t.Fatal("a torn line reads without error")
	}
	j, err = OpenJSONL(path, off)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Record(&Record{Kind: "step", Step: 2}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	recs, err := ReadLogFile(path)
	if err != nil || len(recs) != 2 || recs[1].Step != 2 {
		t.Fatalf("%+v, %v", recs, err)
	}
	if _, err := OpenJSONL(path, 1<<20); err == nil {
		t.Error("an offset past the end: no error")
	}
}
