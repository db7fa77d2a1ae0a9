package report

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// File names inside a search directory, as the command line tool (dartboard search --out DIR)
// writes them.
const (
	LogFile      = "search.jsonl"
	GenotypeFile = "genotype.txt"
)

// Run is a search read back from its directory.
type Run struct {
	// Dir is the directory.
	Dir string
	// Records are the records of DIR/search.jsonl, in order.
	Records []search.Record
	// Genotype is the derived architecture: DIR/genotype.txt, or, when the search did not
	// finish, the genotype of the last epoch record (the zero Genotype if no epoch ended, or
	// when the search space has no DARTS cells).
	Genotype searchspace.Genotype
	// Arch is the derived architecture as written, in any space (a DARTS genotype, a
	// NAS-Bench-201 string, a mobile block list; empty if no epoch ended).
	Arch string
}

// Load reads the search in dir: DIR/search.jsonl (required, with at least one step) and
// DIR/genotype.txt (optional). A malformed log is an error naming the file and the line.
func Load(dir string) (*Run, error) {
	path := filepath.Join(dir, LogFile)
	recs, err := search.ReadLogFile(path)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if search.Last[*search.StepRecord](recs) == nil {
		return nil, fmt.Errorf("report: %s holds no step record: not a search log, or the search never took a step", path)
	}
	if _, err := LayoutOf(recs); err != nil {
		return nil, fmt.Errorf("report: %s: %w", path, err)
	}
	run := &Run{Dir: dir, Records: recs}
	// A search of NAS-Bench-201's or a mobile space names it in its meta record; a DARTS
	// cell space's name (or none, in older logs) means a DARTS genotype.
	darts := true
	if m := run.Meta(); m != nil && m.Space != "" {
		_, err := searchspace.NamedSpace(m.Space)
		darts = err == nil
	}
	gpath := filepath.Join(dir, GenotypeFile)
	data, err := os.ReadFile(gpath)
	switch {
	case err == nil:
		run.Arch = strings.TrimSpace(string(data))
		if !darts {
			break
		}
		if run.Genotype, err = searchspace.ParseGenotype(run.Arch); err != nil {
			return nil, fmt.Errorf("report: %s: %w", gpath, err)
		}
	case errors.Is(err, fs.ErrNotExist):
		if e := run.LastEpoch(); e != nil && e.Genotype != "" {
			run.Arch = e.Genotype
			if !darts {
				break
			}
			if run.Genotype, err = searchspace.ParseGenotype(e.Genotype); err != nil {
				return nil, fmt.Errorf("report: %s: epoch %d: %w", path, e.Epoch, err)
			}
		}
	default:
		return nil, fmt.Errorf("report: %w", err)
	}
	return run, nil
}

// Meta returns the meta record (nil if the log has none).
func (r *Run) Meta() *search.MetaRecord {
	if m := search.Of[*search.MetaRecord](r.Records); len(m) > 0 {
		return m[0]
	}
	return nil
}

// Epochs returns the epoch records.
func (r *Run) Epochs() []*search.EpochRecord { return search.Of[*search.EpochRecord](r.Records) }

// LastEpoch returns the last epoch record (nil if no epoch ended).
func (r *Run) LastEpoch() *search.EpochRecord { return search.Last[*search.EpochRecord](r.Records) }

// Plots returns SearchPlots of the run's records.
func (r *Run) Plots() (map[string]string, error) { return SearchPlots(r.Records) }

// Summary describes the run in a few lines: its settings, steps and epochs, the last epoch's
// validation loss and accuracy and skip count, and the genotype.
func (r *Run) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "search %s", r.Dir)
	if m := r.Meta(); m != nil && m.Settings != "" {
		fmt.Fprintf(&b, ": %s", m.Settings)
	}
	last := search.Last[*search.StepRecord](r.Records)
	fmt.Fprintf(&b, "\n%d steps, %d epochs", last.Step, len(r.Epochs()))
	if last.Seconds > 0 {
		fmt.Fprintf(&b, " in %.0f s", last.Seconds)
	}
	if e := r.LastEpoch(); e != nil {
		fmt.Fprintf(&b, "; last epoch: valid loss %.3f, accuracy %.3f", e.ValidLoss, e.ValidAcc)
		if e.SkipCount != nil {
			fmt.Fprintf(&b, ", %d skip connection(s) in the normal cell", *e.SkipCount)
		}
	}
	if len(r.Genotype.Normal) > 0 {
		fmt.Fprintf(&b, "\n%s", r.Genotype)
	} else if r.Arch != "" {
		fmt.Fprintf(&b, "\n%s", r.Arch)
	}
	return b.String()
}

// WriteGenotype writes g to DIR/genotype.txt (its quark0/darts string and a newline), through
// a temporary file and a rename.
func WriteGenotype(dir string, g searchspace.Genotype) error {
	path := filepath.Join(dir, GenotypeFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(g.String()+"\n"), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// Derived returns the genotype a search reports: the one its Stopper kept when it stopped
// the search early with one (DARTS-ES keeps the genotype of K epochs before the eigenvalue
// took off), else the one derived from the current α.
func Derived(s *search.Searcher) (searchspace.Genotype, error) {
	if d := s.Stopped(); d != nil && d.Keep != nil {
		return *d.Keep, nil
	}
	return s.Genotype()
}

// DerivedArch is Derived in any space: the genotype a Stopper kept, else the architecture
// derived from the current α (Searcher.Arch: a NAS-Bench-201 string, a mobile block list).
func DerivedArch(s *search.Searcher) (search.Arch, error) {
	if d := s.Stopped(); d != nil && d.Keep != nil {
		return *d.Keep, nil
	}
	return s.Arch()
}

// RunSearch runs s to its last epoch (or until ctx is cancelled) into dir, laid out as the
// command line tool lays out its --out directory: the log DIR/search.jsonl (started anew),
// the derived genotype DIR/genotype.txt (Derived: a stopper's kept genotype if it kept one) and the plots DIR/plots/*.svg. It returns the run as
// Load reads it. Build s with the recorder you want to watch it with (a Live, say); s must
// not have taken a step yet.
func RunSearch(ctx context.Context, s *search.Searcher, dir string) (*Run, error) {
	if s.Step() > 0 {
		return nil, fmt.Errorf("report: RunSearch needs a fresh searcher, this one is at step %d", s.Step())
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	os.Remove(filepath.Join(dir, GenotypeFile)) // a stale genotype must not outlive its search
	log, err := search.OpenJSONL(filepath.Join(dir, LogFile), 0)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	s.SetLog(log)
	defer s.SetLog(nil)
	err = s.Run(ctx, "")
	if cerr := log.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	g, err := Derived(s)
	if err != nil {
		return nil, err
	}
	if err := WriteGenotype(dir, g); err != nil {
		return nil, err
	}
	run, err := Load(dir)
	if err != nil {
		return nil, err
	}
	if err := WriteSearchPlots(dir, run.Records); err != nil {
		return nil, err
	}
	return run, nil
}
