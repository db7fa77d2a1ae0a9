package search

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
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
	if err := j.Record(&MetaRecord{Epochs: 2}); err != nil {
		t.Fatal(err)
	}
	if err := j.Record(&StepRecord{Step: 1, TrainLoss: 2.5}); err != nil {
		t.Fatal(err)
	}
	good := j.Offset()
	ff.budget = 10 // the next record fails after 10 bytes
	err = j.Record(&StepRecord{Step: 2, TrainLoss: 2.25})
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
	if err := j.Record(&StepRecord{Step: 2, TrainLoss: 2.25}); err != nil {
		t.Fatal(err)
	}
	recs, err = ReadLogFile(path)
	if err != nil || len(recs) != 3 || recs[2].(*StepRecord).Step != 2 {
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
	if err := j.Record(&StepRecord{Step: 1}); err != nil {
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
	if err := j.Record(&StepRecord{Step: 2}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	recs, err := ReadLogFile(path)
	if err != nil || len(recs) != 2 || recs[1].(*StepRecord).Step != 2 {
		t.Fatalf("%+v, %v", recs, err)
	}
	if _, err := OpenJSONL(path, 1<<20); err == nil {
		t.Error("an offset past the end: no error")
	}
}

// fill sets every field of the struct v points to a non-zero value derived from seed, so
// that a round trip that drops or renames a field shows.
func fill(t *testing.T, v reflect.Value, seed int) {
	t.Helper()
	v = v.Elem()
	for i := range v.NumField() {
		f, n := v.Field(i), seed+i+1
		switch x := f.Addr().Interface().(type) {
		case *int:
			*x = n
		case *int64:
			*x = int64(n) * 1000
		case *float64:
			*x = float64(n) + 0.25
		case *string:
			*x = fmt.Sprintf("%s-%d", v.Type().Field(i).Name, n)
		case **int:
			*x = &n
		case **float64:
			y := float64(n) / 8
			*x = &y
		case *[]string:
			*x = []string{fmt.Sprint(n), "x"}
		case *[][]string:
			*x = [][]string{{"none", fmt.Sprint(n)}, {"skip_connect"}}
		case *[][]float32:
			*x = [][]float32{{float32(n) / 4, 0.5}, {0.125, 1}}
		default:
			t.Fatalf("%s.%s: fill does not know %s", v.Type().Name(), v.Type().Field(i).Name, f.Type())
		}
	}
}

// Every typed record, every field set, survives JSONL → ReadLog/DecodeRecord unchanged, and
// its line starts with its kind.
func TestRecordRoundTrip(t *testing.T) {
	recs := []Record{&MetaRecord{}, &StepRecord{}, &EpochRecord{}, &OverrideRecord{}, &StageRecord{}}
	for i, r := range recs {
		fill(t, reflect.ValueOf(r), 10*i)
	}
	path := filepath.Join(t.TempDir(), "log.jsonl")
	j, err := OpenJSONL(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := j.Record(r); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != len(recs) {
		t.Fatalf("%d lines for %d records", len(lines), len(recs))
	}
	for i, r := range recs {
		if prefix := `{"kind":"` + r.Kind() + `",`; !strings.HasPrefix(lines[i], prefix) {
			t.Errorf("line %d %q does not start with %s", i+1, lines[i], prefix)
		}
		got, err := DecodeRecord([]byte(lines[i]))
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("%s record: decoded %+v, want %+v", r.Kind(), got, r)
		}
		// json.Marshal of the value (not the pointer) writes the same line.
		if b, err := json.Marshal(reflect.ValueOf(r).Elem().Interface()); err != nil || string(b) != lines[i] {
			t.Errorf("%s record: json.Marshal of the value gives %s, %v", r.Kind(), b, err)
		}
	}
	back, err := ReadLogFile(path)
	if err != nil || !reflect.DeepEqual(back, recs) {
		t.Errorf("ReadLogFile: %v", err)
	}
	if len(Of[*StepRecord](back)) != 1 || !reflect.DeepEqual(Last[*OverrideRecord](back), recs[3]) {
		t.Error("Of or Last picks the wrong records")
	}
	// A record without fields is its kind alone.
	if b, err := json.Marshal(&OverrideRecord{}); err != nil || string(b) != `{"kind":"override","step":0,"epoch":0}` {
		t.Errorf("empty override record: %s, %v", b, err)
	}
	if b, err := json.Marshal(&MetaRecord{}); err != nil || string(b) != `{"kind":"meta"}` {
		t.Errorf("empty meta record: %s, %v", b, err)
	}
	if Last[*EpochRecord](back[:2]) != nil {
		t.Error("Last of records without an epoch record is not nil")
	}
}

// Lines written by the union Record of earlier versions (every kind with "step" and
// "epoch", meta included) decode into the typed records.
func TestDecodeRecordReadsUnionLines(t *testing.T) {
	eig, skips := 0.5, 2
	for line, want := range map[string]Record{
		`{"kind":"meta","step":0,"epoch":0,"compile_ms":1520.5,"edges":["0→2"],"ops":[["none","skip_connect"]],"steps_per_epoch":8,"epochs":2,"settings":"seed=1","method":"darts","mix_name":"softmax(α)"}`: &MetaRecord{
			CompileMS: 1520.5, Edges: []string{"0→2"}, Ops: [][]string{{"none", "skip_connect"}}, StepsPerEpoch: 8, Epochs: 2,
			Settings: "seed=1", Method: "darts", MixName: "softmax(α)"},
		`{"kind":"step","step":3,"epoch":0,"seconds":4.5,"train_loss":2.25,"train_acc":0.125,"arch_loss":2.5,"lr":0.025,"arch_lr":0.0003,"step_ms":410,"grad_norm":1.5,"hessian_eig":0.5,"mix_normal":[[0.5,0.5]]}`: &StepRecord{
			Step: 3, Seconds: 4.5, TrainLoss: 2.25, TrainAcc: 0.125, ArchLoss: 2.5, LR: 0.025, ArchLR: 0.0003, StepMS: 410,
			GradNorm: 1.5, HessianEig: &eig, MixNormal: [][]float32{{0.5, 0.5}}},
		`{"kind":"epoch","step":8,"epoch":1,"seconds":9,"valid_loss":2,"valid_acc":0.25,"lr":0.02,"genotype":"G","skip_count":2,"stop":"why","pruned":["normal edge 0: none"]}`: &EpochRecord{
			Step: 8, Epoch: 1, Seconds: 9, ValidLoss: 2, ValidAcc: 0.25, LR: 0.02, Genotype: "G", SkipCount: &skips, Stop: "why",
			Pruned: []string{"normal edge 0: none"}},
		`{"kind":"override","step":4,"epoch":1,"settings":"lr=0.05"}`: &OverrideRecord{Step: 4, Epoch: 1, Settings: "lr=0.05"},
	} {
		got, err := DecodeRecord([]byte(line))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: decoded %+v, want %+v", line, got, want)
		}
	}
}

// A line that is not a record of a known kind is one clear error; ReadLog names its line and
// returns the records before it.
func TestDecodeRecordErrors(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{`{"kind":"banana","step":4}`, `unknown record kind "banana" (want meta, step, epoch, override or stage)`},
		{`{"kind":"","step":4}`, `unknown record kind ""`},
		{`{"step":4}`, `malformed record: no "kind"`},
		{`null`, `malformed record: no "kind"`},
		{`{"kind":"step","st`, "malformed record: unexpected end of JSON input"},
		{`epoch 1 done`, "malformed record: invalid character"},
		{`[1,2]`, "malformed record: json: cannot unmarshal array"},
		{`{"kind":7}`, "malformed record: json: cannot unmarshal number"},
		{`{"kind":"step","step":"four"}`, "malformed step record: json: cannot unmarshal string into Go struct field StepRecord.step of type int"},
		{`{"kind":"epoch","skip_count":1.5}`, "malformed epoch record"},
	} {
		r, err := DecodeRecord([]byte(c.line))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, %v; want an error with %q", c.line, r, err, c.want)
		}
		if r != nil {
			t.Errorf("%s: a record (%+v) with the error", c.line, r)
		}
	}
	recs, err := ReadLog(strings.NewReader(`{"kind":"meta"}` + "\n\n" + `{"kind":"step","step":1}` + "\n" + `{"kind":"banana"}` + "\n"))
	if err == nil || !strings.Contains(err.Error(), `log line 4: unknown record kind "banana"`) || len(recs) != 2 {
		t.Errorf("ReadLog: %d records, %v", len(recs), err)
	}
}
