package search

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Record is one line of a search or training log: the run's metadata ("meta"), a step
// ("step"), an epoch end ("epoch") or, in a progressive search, the start of a stage
// ("stage", followed by that stage's meta, step and epoch records). Fields that do not apply
// are omitted from the JSON.
type Record struct {
	Kind  string `json:"kind"`
	Step  int    `json:"step"`
	Epoch int    `json:"epoch"`
	// Stage (from 1), the stage's Cells and its OpsPerEdge (the most candidates an edge
	// keeps; Ops and ReduceOps list them per edge): stage records of a progressive search.
	Stage      int `json:"stage,omitempty"`
	Cells      int `json:"cells,omitempty"`
	OpsPerEdge int `json:"ops_per_edge,omitempty"`
	// Seconds since the search (or its resumption) started.
	Seconds float64 `json:"seconds,omitempty"`
	// Losses and accuracies: the weight step's training batch, the architecture step's
	// validation batch, and at epoch ends the evaluation of the validation split.
	TrainLoss float64 `json:"train_loss,omitempty"`
	TrainAcc  float64 `json:"train_acc,omitempty"`
	ArchLoss  float64 `json:"arch_loss,omitempty"`
	ValidLoss float64 `json:"valid_loss,omitempty"`
	ValidAcc  float64 `json:"valid_acc,omitempty"`
	// Learning rates of the weights and of α.
	LR     float64 `json:"lr,omitempty"`
	ArchLR float64 `json:"arch_lr,omitempty"`
	// StepMS is the step's wall time; CompileMS the compilation before the first step.
	StepMS    float64 `json:"step_ms,omitempty"`
	CompileMS float64 `json:"compile_ms,omitempty"`
	// GradNorm is the weights' gradient norm before clipping.
	GradNorm float64 `json:"grad_norm,omitempty"`
	// HessianEig is the largest eigenvalue of the Hessian of the validation loss w.r.t. α
	// (Config.Curvature), when measured at this step or epoch end.
	HessianEig *float64 `json:"hessian_eig,omitempty"`
	// Penalty is the sum of the method's regularizers on α at this step.
	Penalty float64 `json:"penalty,omitempty"`
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
	// Meta: the search space's name, its edges (as "i→j"; a mobile space's layers) and
	// operations, steps per epoch and settings.
	Space string     `json:"space,omitempty"`
	Edges []string   `json:"edges,omitempty"`
	Ops   [][]string `json:"ops,omitempty"`
	// ReduceOps are the reduction cell's operations when they differ from Ops (RobustDARTS's
	// S1).
	ReduceOps     [][]string `json:"reduce_ops,omitempty"`
	StepsPerEpoch int        `json:"steps_per_epoch,omitempty"`
	Epochs        int        `json:"epochs,omitempty"`
	Settings      string     `json:"settings,omitempty"`
	// Method names the search method (meta) and MixName its mixing weights ("softmax(α)").
	Method  string `json:"method,omitempty"`
	MixName string `json:"mix_name,omitempty"`
	// Stop is the reason a Stopper ended the search at this epoch; Pruned lists the
	// operations a Pruner removed ("normal edge 3: sep_conv_5x5").
	Stop   string   `json:"stop,omitempty"`
	Pruned []string `json:"pruned,omitempty"`
	// Stand-alone training (package train): the auxiliary head's loss (unweighted), the
	// drop-path probability, the evaluation of the test set at epoch ends, and (meta) the
	// trainable parameter count.
	AuxLoss  float64 `json:"aux_loss,omitempty"`
	DropProb float64 `json:"drop_prob,omitempty"`
	TestLoss float64 `json:"test_loss,omitempty"`
	TestAcc  float64 `json:"test_acc,omitempty"`
	Params   int64   `json:"params,omitempty"`
}

// Recorder observes a search.
type Recorder interface {
	Record(r *Record) error
}

// RecorderFunc adapts a function to a Recorder.
type RecorderFunc func(r *Record) error

// Record calls f.
func (f RecorderFunc) Record(r *Record) error { return f(r) }

// Multi sends every record to each non-nil recorder in turn.
func Multi(rs ...Recorder) Recorder {
	return RecorderFunc(func(r *Record) error {
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
func (j *JSONL) Record(r *Record) error {
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

// ReadLog reads a JSONL search log. A truncated last line (a search killed mid-write) is an
// error naming the line.
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
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return out, fmt.Errorf("log line %d: %w", line, err)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("reading log: %w", err)
	}
	return out, nil
}

// ReadLogFile reads the JSONL log at path.
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
