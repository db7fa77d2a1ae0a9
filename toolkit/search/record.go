package search

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Record is one line of a search or training log, one Go type per kind: *MetaRecord
// ("meta"), *StepRecord ("step"), *EpochRecord ("epoch"), *OverrideRecord ("override") and,
// in a progressive search, *StageRecord ("stage", followed by that stage's meta, step and
// epoch records).
// Consumers tell them apart with a type switch. On disk each is one JSON object with its kind
// under "kind" and its own fields (omitted when they do not apply); DecodeRecord reads one
// back. The set of kinds is closed: only this package's types satisfy Record.
type Record interface {
	// Kind names the record's kind as written under "kind".
	Kind() string
	isRecord()
}

// The kinds of records, as written under "kind".
const (
	KindMeta     = "meta"
	KindStep     = "step"
	KindEpoch    = "epoch"
	KindOverride = "override"
	KindStage    = "stage"
)

// MetaRecord opens a log: what was searched (or trained) and how. A search writes the search
// space and method; a stand-alone training (package train) the genotype and parameter count.
type MetaRecord struct {
	// Space names the search space (darts, s1–s4, nb201, fbnet, proxylessnas).
	Space string `json:"space,omitempty"`
	// Edges are the search space's edges (as "i→j"; a mobile space's layers) and Ops each
	// edge's operations.
	Edges []string   `json:"edges,omitempty"`
	Ops   [][]string `json:"ops,omitempty"`
	// ReduceOps are the reduction cell's operations when they differ from Ops (RobustDARTS's
	// S1).
	ReduceOps     [][]string `json:"reduce_ops,omitempty"`
	StepsPerEpoch int        `json:"steps_per_epoch,omitempty"`
	Epochs        int        `json:"epochs,omitempty"`
	// CompileMS is the compilation before the first step.
	CompileMS float64 `json:"compile_ms,omitempty"`
	// Settings are the run's settings (ckpt.Settings' string).
	Settings string `json:"settings,omitempty"`
	// Method names the search method and MixName its mixing weights ("softmax(α)").
	Method  string `json:"method,omitempty"`
	MixName string `json:"mix_name,omitempty"`
	// Genotype is the trained architecture (quark0 format) and Params its trainable
	// parameter count (package train).
	Genotype string `json:"genotype,omitempty"`
	Params   int64  `json:"params,omitempty"`
}

// StepRecord is one step: of a search (a weight step and an architecture step) or of a
// stand-alone training.
type StepRecord struct {
	// Step counts the steps taken, this one included; Epoch is the epoch it belongs to (from 0).
	Step  int `json:"step"`
	Epoch int `json:"epoch"`
	// Seconds since the search (or its resumption) started.
	Seconds float64 `json:"seconds,omitempty"`
	// The weight step's training batch loss and accuracy, and the architecture step's loss on
	// its validation batch.
	TrainLoss float64 `json:"train_loss,omitempty"`
	TrainAcc  float64 `json:"train_acc,omitempty"`
	ArchLoss  float64 `json:"arch_loss,omitempty"`
	// Learning rates of the weights and of α.
	LR     float64 `json:"lr,omitempty"`
	ArchLR float64 `json:"arch_lr,omitempty"`
	// StepMS is the step's wall time; CompileMS the compilation before the first step (on an
	// epoch record: the compilation of the supernet rebuilt after pruning, DropsPruned).
	StepMS    float64 `json:"step_ms,omitempty"`
	CompileMS float64 `json:"compile_ms,omitempty"`
	// GradNorm is the weights' gradient norm before clipping.
	GradNorm float64 `json:"grad_norm,omitempty"`
	// HessianEig is the largest eigenvalue of the Hessian of the validation loss w.r.t. α
	// (Config.Curvature), when measured at this step (Config.HessianEvery).
	HessianEig *float64 `json:"hessian_eig,omitempty"`
	// Penalty is the sum of the method's regularizers on α at this step.
	Penalty float64 `json:"penalty,omitempty"`
	// MixNormal and MixReduce are the relaxed mixing weights, one row per edge, every
	// Config.LogAlphaEvery steps.
	MixNormal [][]float32 `json:"mix_normal,omitempty"`
	MixReduce [][]float32 `json:"mix_reduce,omitempty"`
	// Stand-alone training (package train): the auxiliary head's loss (unweighted) and the
	// drop-path probability.
	AuxLoss  float64 `json:"aux_loss,omitempty"`
	DropProb float64 `json:"drop_prob,omitempty"`
}

// EpochRecord is an epoch's end: of a search (the evaluation of the validation split, the
// derived genotype, α, what a Pruner or Stopper did) or of a stand-alone training (the
// epoch's training means and the evaluation of the test set).
type EpochRecord struct {
	// Step is the last step of the epoch; Epoch the epoch that ended (from 0).
	Step  int `json:"step"`
	Epoch int `json:"epoch"`
	// Seconds since the search (or its resumption) started.
	Seconds float64 `json:"seconds,omitempty"`
	// The evaluation of the validation split (search).
	ValidLoss float64 `json:"valid_loss,omitempty"`
	ValidAcc  float64 `json:"valid_acc,omitempty"`
	// LR is the weights' learning rate.
	LR float64 `json:"lr,omitempty"`
	// HessianEig is the largest eigenvalue of the Hessian of the validation loss w.r.t. α
	// (Config.Curvature), when measured.
	HessianEig *float64 `json:"hessian_eig,omitempty"`
	// Alpha* are the raw logits, Mix* the relaxed mixing weights, one row per edge. In a space
	// with one α group (NAS-Bench-201's "cell", a mobile space's "blocks"), *Normal hold it.
	AlphaNormal [][]float32 `json:"alpha_normal,omitempty"`
	AlphaReduce [][]float32 `json:"alpha_reduce,omitempty"`
	MixNormal   [][]float32 `json:"mix_normal,omitempty"`
	MixReduce   [][]float32 `json:"mix_reduce,omitempty"`
	// Genotype is the derived architecture (DARTS: quark0 format; NAS-Bench-201 string; mobile
	// block list); SkipCount the DARTS normal cell's skip_connect count.
	Genotype  string `json:"genotype,omitempty"`
	SkipCount *int   `json:"skip_count,omitempty"`
	// Stop is the reason a Stopper gave at this epoch (it ended the search when the Searcher
	// reports Stopped); Pruned lists the operations a Pruner removed ("normal edge 3:
	// sep_conv_5x5").
	Stop   string   `json:"stop,omitempty"`
	Pruned []string `json:"pruned,omitempty"`
	// CompileMS is the compilation of the supernet rebuilt without the pruned operations
	// (network.DropPruned).
	CompileMS float64 `json:"compile_ms,omitempty"`
	// Stand-alone training (package train): the epoch's mean training loss, auxiliary loss
	// and accuracy, its mean step time, the drop-path probability, and the evaluation of the
	// test set (when due).
	TrainLoss float64 `json:"train_loss,omitempty"`
	AuxLoss   float64 `json:"aux_loss,omitempty"`
	TrainAcc  float64 `json:"train_acc,omitempty"`
	StepMS    float64 `json:"step_ms,omitempty"`
	DropProb  float64 `json:"drop_prob,omitempty"`
	TestLoss  float64 `json:"test_loss,omitempty"`
	TestAcc   float64 `json:"test_acc,omitempty"`
}

// OverrideRecord says from which step on a resumed run's overridden settings hold (the
// command line's --override).
type OverrideRecord struct {
	Step  int `json:"step"`
	Epoch int `json:"epoch"`
	// Settings are the overrides, "name=value" separated by spaces.
	Settings string `json:"settings,omitempty"`
}

// StageRecord opens a stage of a progressive search (P-DARTS): the stage (from 1), its cells,
// the most candidates an edge keeps (OpsPerEdge), the candidates of every edge of the normal
// and reduction cells, the stage's epochs and method.
type StageRecord struct {
	Stage      int        `json:"stage"`
	Cells      int        `json:"cells,omitempty"`
	OpsPerEdge int        `json:"ops_per_edge,omitempty"`
	Ops        [][]string `json:"ops,omitempty"`
	ReduceOps  [][]string `json:"reduce_ops,omitempty"`
	Epochs     int        `json:"epochs,omitempty"`
	Method     string     `json:"method,omitempty"`
}

// Kind returns "stage".
func (*StageRecord) Kind() string { return KindStage }

func (*StageRecord) isRecord() {}

// MarshalJSON writes r with "kind": "stage" first.
func (r StageRecord) MarshalJSON() ([]byte, error) {
	type fields StageRecord // without this method
	return marshalKind(KindStage, fields(r))
}

// Kind returns "meta".
func (*MetaRecord) Kind() string { return KindMeta }

// Kind returns "step".
func (*StepRecord) Kind() string { return KindStep }

// Kind returns "epoch".
func (*EpochRecord) Kind() string { return KindEpoch }

// Kind returns "override".
func (*OverrideRecord) Kind() string { return KindOverride }

func (*MetaRecord) isRecord()     {}
func (*StepRecord) isRecord()     {}
func (*EpochRecord) isRecord()    {}
func (*OverrideRecord) isRecord() {}

// MarshalJSON writes r with "kind": "meta" first.
func (r MetaRecord) MarshalJSON() ([]byte, error) {
	type fields MetaRecord // without this method
	return marshalKind(KindMeta, fields(r))
}

// MarshalJSON writes r with "kind": "step" first.
func (r StepRecord) MarshalJSON() ([]byte, error) {
	type fields StepRecord // without this method
	return marshalKind(KindStep, fields(r))
}

// MarshalJSON writes r with "kind": "epoch" first.
func (r EpochRecord) MarshalJSON() ([]byte, error) {
	type fields EpochRecord // without this method
	return marshalKind(KindEpoch, fields(r))
}

// MarshalJSON writes r with "kind": "override" first.
func (r OverrideRecord) MarshalJSON() ([]byte, error) {
	type fields OverrideRecord // without this method
	return marshalKind(KindOverride, fields(r))
}

// marshalKind writes the JSON object of fields (a struct without a MarshalJSON method) with
// "kind": kind as its first member.
func marshalKind(kind string, fields any) ([]byte, error) {
	b, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	head, err := json.Marshal(kind)
	if err != nil {
		return nil, err
	}
	out := append([]byte(`{"kind":`), head...)
	if len(b) > 2 { // not {}
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// DecodeRecord decodes one line of a log into the record of its kind. A line that is not a
// JSON object, has no kind, has an unknown kind or a field of the wrong type is an error.
// Fields the kind does not have are ignored (an older or newer log may carry them).
func DecodeRecord(line []byte) (Record, error) {
	var head struct {
		Kind *string `json:"kind"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return nil, fmt.Errorf("malformed record: %w", err)
	}
	var r Record
	switch {
	case head.Kind == nil:
		return nil, errors.New("malformed record: no \"kind\"")
	case *head.Kind == KindMeta:
		r = &MetaRecord{}
	case *head.Kind == KindStep:
		r = &StepRecord{}
	case *head.Kind == KindEpoch:
		r = &EpochRecord{}
	case *head.Kind == KindOverride:
		r = &OverrideRecord{}
	case *head.Kind == KindStage:
		r = &StageRecord{}
	default:
		return nil, fmt.Errorf("unknown record kind %q (want %s, %s, %s, %s or %s)", *head.Kind, KindMeta, KindStep, KindEpoch, KindOverride, KindStage)
	}
	if err := json.Unmarshal(line, r); err != nil {
		return nil, fmt.Errorf("malformed %s record: %w", *head.Kind, err)
	}
	return r, nil
}

// Of returns the records of recs of type T, in order: Of[*EpochRecord](recs).
func Of[T Record](recs []Record) []T {
	var out []T
	for _, r := range recs {
		if t, ok := r.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

// Last returns the last record of recs of type T (nil when there is none):
// Last[*EpochRecord](recs).
func Last[T Record](recs []Record) T {
	for i := len(recs) - 1; i >= 0; i-- {
		if t, ok := recs[i].(T); ok {
			return t
		}
	}
	var zero T
	return zero
}

// Recorder observes a search.
type Recorder interface {
	Record(r Record) error
}

// RecorderFunc adapts a function to a Recorder.
type RecorderFunc func(r Record) error

// Record calls f.
func (f RecorderFunc) Record(r Record) error { return f(r) }

// Multi sends every record to each non-nil recorder in turn.
func Multi(rs ...Recorder) Recorder {
	return RecorderFunc(func(r Record) error {
		var errs []error
		for _, x := range rs {
			if x != nil {
				errs = append(errs, x.Record(r))
			}
		}
		return errors.Join(errs...)
	})
}

// JSONL writes records one JSON object per line to a file. Each record is written whole, in
// one write; when a write fails (a full disk), the file is cut back to the end of the last
// whole record, so the log never holds a torn line.
type JSONL struct {
	f      logFile
	offset int64
}

// logFile is what JSONL needs of its file (an *os.File; tests inject faults).
type logFile interface {
	io.Writer
	io.Seeker
	io.Closer
	Truncate(size int64) error
}

// OpenJSONL opens path for appending records after the first offset bytes (0: start anew),
// creating the file when it is missing. Whatever follows offset is cut: lines written after
// the checkpoint that recorded offset, and a torn last line of a killed writer.
func OpenJSONL(path string, offset int64) (*JSONL, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("opening log: %w", err)
	}
	if offset > st.Size() {
		f.Close()
		return nil, fmt.Errorf("log %s has %d bytes, the checkpoint expects at least %d", path, st.Size(), offset)
	}
	j, err := newJSONL(f, offset)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("log %s: %w", path, err)
	}
	return j, nil
}

// newJSONL cuts f at offset and positions it there.
func newJSONL(f logFile, offset int64) (*JSONL, error) {
	if err := f.Truncate(offset); err != nil {
		return nil, fmt.Errorf("truncating: %w", err)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil, fmt.Errorf("seeking: %w", err)
	}
	return &JSONL{f: f, offset: offset}, nil
}

// Record appends r as one line, written whole (a killed search loses no line it was told
// was written). When the write fails, the file is cut back to the previous record and the
// error says whether that worked.
func (j *JSONL) Record(r Record) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encoding record: %w", err)
	}
	data = append(data, '\n')
	n, err := j.f.Write(data)
	if err == nil && n != len(data) {
		err = io.ErrShortWrite
	}
	if err != nil {
		if rerr := j.rewind(); rerr != nil {
			return fmt.Errorf("writing log: %w; cutting the partial line failed too (%v): a resumed run cuts it", err, rerr)
		}
		return fmt.Errorf("writing log (the partial line was cut): %w", err)
	}
	j.offset += int64(len(data))
	return nil
}

// rewind cuts the file back to the end of the last whole record.
func (j *JSONL) rewind() error {
	if err := j.f.Truncate(j.offset); err != nil {
		return err
	}
	_, err := j.f.Seek(j.offset, io.SeekStart)
	return err
}

// Offset returns the number of bytes written so far, all of them whole records (for
// checkpoints).
func (j *JSONL) Offset() int64 { return j.offset }

// Close closes the file.
func (j *JSONL) Close() error { return j.f.Close() }

// ReadLog reads a JSONL search or training log, each line with DecodeRecord. A bad line (a
// truncated last line of a search killed mid-write, an unknown kind) is an error naming the
// line; the records before it are returned with it.
func ReadLog(r io.Reader) ([]Record, error) {
	var out []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		rec, err := DecodeRecord(sc.Bytes())
		if err != nil {
			return out, fmt.Errorf("log line %d: %w", line, err)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("reading log: %w", err)
	}
	return out, nil
}

// ReadLogFile reads the JSONL log at path (see ReadLog).
func ReadLogFile(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading log: %w", err)
	}
	defer f.Close()
	recs, err := ReadLog(f)
	if err != nil {
		return recs, fmt.Errorf("%s: %w", path, err)
	}
	return recs, nil
}
