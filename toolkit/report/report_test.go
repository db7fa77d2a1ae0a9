package report

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/plot"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// synthetic returns the records of a made-up DARTS search of epochs×perEpoch steps whose
// weights drift towards skip_connect on the normal cell, mixing weights every alphaEvery
// steps (and at step 1 and epoch ends), as a Searcher records them.
func synthetic(epochs, perEpoch, alphaEvery int) []search.Record {
	space := searchspace.DARTSSpace()
	var edges []string
	var ops [][]string
	for e := range space.Edges() {
		edges = append(edges, plot.CellEdgeLabels(2, 4)[e])
		ops = append(ops, space.OpsOn(e))
	}
	mix := func(step int, shift float64) [][]float32 {
		rows := make([][]float32, len(edges))
		for e := range rows {
			logits := make([]float64, 8)
			logits[3] = shift * float64(step) / 10 // skip_connect grows
			logits[4] = 0.05 * float64(e%3)
			w := plot.Softmax(logits)
			rows[e] = make([]float32, 8)
			for k := range w {
				rows[e][k] = float32(w[k])
			}
		}
		return rows
	}
	recs := []search.Record{&search.MetaRecord{MixName: "softmax(α)", Edges: edges, Ops: ops, StepsPerEpoch: perEpoch, Epochs: epochs,
		Settings: "synthetic"}}
	step := 0
	for ep := range epochs {
		for range perEpoch {
			step++
			r := &search.StepRecord{Step: step, Epoch: ep, Seconds: 2 * float64(step),
				TrainLoss: 2.3 - 0.05*float64(step), TrainAcc: 0.1 + 0.02*float64(step),
				ArchLoss: 2.4 - 0.04*float64(step), StepMS: 2000}
			if step == 1 || step%alphaEvery == 0 {
				r.MixNormal, r.MixReduce = mix(step, 1), mix(step, 0.2)
			}
			recs = append(recs, r)
		}
		skips := ep + 1
		g, _ := searchspace.Named("DARTS_V2")
		recs = append(recs, &search.EpochRecord{Step: step, Epoch: ep, Seconds: 2*float64(step) + 1,
			ValidLoss: 2 - 0.1*float64(ep), ValidAcc: 0.3 + 0.1*float64(ep), SkipCount: &skips,
			Genotype: g.String(), MixNormal: mix(step, 1), MixReduce: mix(step, 0.2)})
	}
	return recs
}

// checkSVG parses s as XML and returns the number of elements carrying each class.
func checkSVG(t *testing.T, name, s string) map[string]int {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	classes := map[string]int{}
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: not well-formed XML: %v", name, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			for _, a := range se.Attr {
				if a.Name.Local == "class" {
					for _, c := range strings.Fields(a.Value) {
						classes[c]++
					}
				}
			}
		}
	}
	if root != "svg" {
		t.Fatalf("%s: root element %q, want svg", name, root)
	}
	return classes
}

func TestSearchPlots(t *testing.T) {
	recs := synthetic(3, 10, 4)
	for _, r := range recs {
		switch r := r.(type) {
		case *search.StepRecord:
			if r.Step%5 == 0 {
				eig := 0.1 * float64(r.Step+1)
				r.HessianEig = &eig
			}
		case *search.EpochRecord:
			eig := 0.1 * float64(r.Step+1)
			r.HessianEig = &eig
		}
	}
	plots, err := SearchPlots(recs)
	if err != nil {
		t.Fatal(err)
	}
	// The marks each plot must carry, and how many at least.
	want := map[string]map[string]int{
		"alpha_heatmap":  {"cell": 2 * 14 * 8, "argmax": 28, "panel": 2},
		"alpha_normal":   {"panel": 14, "series": 14 * 8},
		"alpha_reduce":   {"panel": 14, "series": 14 * 8},
		"entropy":        {"series": 2},
		"entropy_normal": {"series": 14},
		"entropy_reduce": {"series": 14},
		"skip_count":     {"bar": 3},
		"loss":           {"series": 3},
		"accuracy":       {"series": 2},
		"hessian_eig":    {"series": 2},
	}
	if len(plots) != len(PlotNames()) {
		t.Errorf("%d plots, want %d", len(plots), len(PlotNames()))
	}
	for _, name := range PlotNames() {
		svg, ok := plots[name]
		if !ok {
			t.Errorf("plot %s missing", name)
			continue
		}
		if strings.Contains(svg, "no data") {
			t.Errorf("%s: no data", name)
		}
		got := checkSVG(t, name, svg)
		for class, n := range want[name] {
			if got[class] < n {
				t.Errorf("%s: %d elements of class %q, want ≥ %d", name, got[class], class, n)
			}
		}
	}
	// The heat map shows the last weights: epoch 3's, where skip_connect leads the normal cell.
	if !strings.Contains(plots["alpha_heatmap"], "after step 30 (epoch 3)") {
		t.Errorf("heat map title does not name the last step")
	}
}

func TestSnapshotsDeduplicateAndOrder(t *testing.T) {
	recs := synthetic(2, 4, 2)
	l, err := LayoutOf(recs)
	if err != nil {
		t.Fatal(err)
	}
	snaps, err := Snapshots(recs, l)
	if err != nil {
		t.Fatal(err)
	}
	var steps []int
	for _, s := range snaps {
		steps = append(steps, s.Step)
	}
	// Steps 1, 2, 4 (and epoch end 4, merged), 6, 8 (and epoch end 8).
	if want := []int{1, 2, 4, 6, 8}; !reflect.DeepEqual(steps, want) {
		t.Errorf("snapshot steps %v, want %v", steps, want)
	}
	for _, s := range snaps {
		for e, row := range s.Normal {
			sum := 0.0
			for _, v := range row {
				sum += v
			}
			if math.Abs(sum-1) > 1e-5 {
				t.Fatalf("step %d edge %d: weights sum to %v", s.Step, e, sum)
			}
		}
	}
}

func TestLayoutWithoutMeta(t *testing.T) {
	recs := synthetic(1, 3, 1)[1:] // drop the meta record
	l, err := LayoutOf(recs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l.Edges, plot.CellEdgeLabels(2, 4)) || !reflect.DeepEqual(l.Ops, searchspace.DARTSOps()) {
		t.Errorf("guessed layout %v %v", l.Edges, l.Ops)
	}
	if _, err := SearchPlots(recs); err != nil {
		t.Fatal(err)
	}
}

func TestPerEdgeOps(t *testing.T) {
	// RobustDARTS-style spaces give edges different operations: the plots use their union.
	recs := []search.Record{
		&search.MetaRecord{Edges: []string{"0→2", "1→2"}, Ops: [][]string{{"skip_connect", "sep_conv_3x3"}, {"none", "skip_connect"}}},
		&search.StepRecord{Step: 1, TrainLoss: 1, MixNormal: [][]float32{{0.4, 0.6}, {0.5, 0.5}}, MixReduce: [][]float32{{0.5, 0.5}, {0.1, 0.9}}},
	}
	plots, err := SearchPlots(recs)
	if err != nil {
		t.Fatal(err)
	}
	c := checkSVG(t, "alpha_heatmap", plots["alpha_heatmap"])
	if c["cell"] != 2*2*3 {
		t.Errorf("%d heat map cells, want 12 (2 panels, 2 edges, 3 operations)", c["cell"])
	}
}

func TestMismatchedWeightsAreAnError(t *testing.T) {
	recs := synthetic(1, 2, 1)
	step := recs[2].(*search.StepRecord)
	step.MixNormal = step.MixNormal[:3]
	_, err := SearchPlots(recs)
	if err == nil || !strings.Contains(err.Error(), "3 rows of weights for 14 edges") {
		t.Fatalf("error %v, want one about 3 rows for 14 edges", err)
	}
	if _, err := SearchPlots(nil); err == nil {
		t.Error("no error for no records")
	}
}

func TestLiveDisplaysAtTheRightSteps(t *testing.T) {
	var shown []string
	live := NewLive(func(h string) { shown = append(shown, h) }, 3)
	var at []string
	for _, r := range synthetic(2, 5, 2) {
		n := len(shown)
		if err := live.Record(r); err != nil {
			t.Fatal(err)
		}
		if len(shown) > n {
			switch r := r.(type) {
			case *search.StepRecord:
				at = append(at, r.Kind()+":"+strconv.Itoa(r.Step))
			case *search.EpochRecord:
				at = append(at, r.Kind()+":"+strconv.Itoa(r.Step))
			default:
				at = append(at, r.Kind())
			}
		}
	}
	// Steps 3, 6, 9 and the epoch ends at steps 5 and 10.
	want := []string{"step:3", "epoch:5", "step:6", "step:9", "epoch:10"}
	if !reflect.DeepEqual(at, want) {
		t.Fatalf("displayed at %v, want %v", at, want)
	}
	if live.Err() != nil {
		t.Fatal(live.Err())
	}
	last := shown[len(shown)-1]
	for _, s := range []string{"step 10/10", "epoch 2/2", "2.00 s/step", "ETA 0s", "<svg", "softmax(α)", "Loss"} {
		if !strings.Contains(last, s) {
			t.Errorf("last block lacks %q", s)
		}
	}
	if strings.Count(last, "<svg") != 2 {
		t.Errorf("last block has %d plots, want 2 (heat map, loss)", strings.Count(last, "<svg"))
	}
	if len(live.Records()) != 1+10+2 {
		t.Errorf("live kept %d records", len(live.Records()))
	}
	// Mid-search: the ETA counts the steps left.
	mid := NewLive(nil, 1)
	for _, r := range synthetic(2, 5, 2)[:5] { // meta and steps 1-4
		mid.Record(r)
	}
	if st := mid.Status(); !strings.Contains(st, "step 4/10") || !strings.Contains(st, "ETA 12s") {
		t.Errorf("status %q, want step 4/10 and ETA 12s (2 s/step, 6 steps left)", st)
	}
}

func TestLiveTrainingLog(t *testing.T) {
	// A training log (package train) has no mixing weights: the block has the loss curve only.
	var shown []string
	live := NewLive(func(h string) { shown = append(shown, h) }, 1)
	recs := []search.Record{&search.MetaRecord{StepsPerEpoch: 2, Epochs: 1, Params: 1000},
		&search.StepRecord{Step: 1, TrainLoss: 2, TrainAcc: 0.2, Seconds: 1},
		&search.StepRecord{Step: 2, TrainLoss: 1.5, TrainAcc: 0.4, Seconds: 2},
		&search.EpochRecord{Step: 2, TestLoss: 1.6, TestAcc: 0.45}}
	for _, r := range recs {
		live.Record(r)
	}
	if len(shown) != 3 || live.Err() != nil {
		t.Fatalf("%d displays, error %v", len(shown), live.Err())
	}
	last := shown[2]
	if strings.Count(last, "<svg") != 1 || !strings.Contains(last, "test acc 0.450") {
		t.Errorf("training block: %d plots, status %q", strings.Count(last, "<svg"), live.Status())
	}
}

// writeLog writes recs as a search would, with the genotype file.
func writeLog(t *testing.T, dir string, recs []search.Record) {
	t.Helper()
	log, err := search.OpenJSONL(filepath.Join(dir, LogFile), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := log.Record(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	recs := synthetic(2, 5, 2)
	writeLog(t, dir, recs)
	g, _ := searchspace.Named("PC_DARTS")
	if err := WriteGenotype(dir, g); err != nil {
		t.Fatal(err)
	}
	run, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(run.Records, recs) {
		t.Error("records differ after the round trip")
	}
	if !run.Genotype.Equal(g) {
		t.Errorf("genotype %v, want %v", run.Genotype, g)
	}
	if run.Meta() == nil || len(run.Epochs()) != 2 || run.LastEpoch().Epoch != 1 {
		t.Error("meta or epochs lost")
	}
	if s := run.Summary(); !strings.Contains(s, "10 steps, 2 epochs") || !strings.Contains(s, "2 skip connection(s)") {
		t.Errorf("summary %q", s)
	}
	if got := SkipCounts(run.Records); !reflect.DeepEqual(got, []int{1, 2}) {
		t.Errorf("skip counts %v, want [1 2]", got)
	}
	if _, err := run.Plots(); err != nil {
		t.Fatal(err)
	}
	// Without genotype.txt (a search that did not finish), the last epoch's genotype.
	os.Remove(filepath.Join(dir, GenotypeFile))
	run, err = Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if v2, _ := searchspace.Named("DARTS_V2"); !run.Genotype.Equal(v2) {
		t.Errorf("genotype from the last epoch %v", run.Genotype)
	}
	// WriteSearchPlots writes every plot.
	if err := WriteSearchPlots(dir, run.Records); err != nil {
		t.Fatal(err)
	}
	for _, name := range PlotNames() {
		data, err := os.ReadFile(filepath.Join(dir, "plots", name+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		checkSVG(t, name, string(data))
	}
}

func TestLoadErrors(t *testing.T) {
	good := func(t *testing.T) string {
		dir := t.TempDir()
		writeLog(t, dir, synthetic(1, 3, 1))
		return dir
	}
	appendTo := func(t *testing.T, path, s string) {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(s)
		f.Close()
	}
	cases := []struct {
		name  string
		setup func(t *testing.T) string
		want  []string
	}{
		{"missing directory", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") }, []string{"search.jsonl", "no such file"}},
		{"truncated last line", func(t *testing.T) string {
			dir := good(t)
			appendTo(t, filepath.Join(dir, LogFile), `{"kind":"step","step":4,"train_lo`)
			return dir
		}, []string{"search.jsonl", "log line 6"}},
		{"not JSON", func(t *testing.T) string {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, LogFile), []byte("epoch 1 done\n"), 0o644)
			return dir
		}, []string{"log line 1"}},
		{"wrong type", func(t *testing.T) string {
			dir := good(t)
			appendTo(t, filepath.Join(dir, LogFile), `{"kind":"step","step":"four"}`+"\n")
			return dir
		}, []string{"log line 6", "step"}},
		{"unknown kind", func(t *testing.T) string {
			dir := good(t)
			appendTo(t, filepath.Join(dir, LogFile), `{"kind":"banana","step":4}`+"\n")
			return dir
		}, []string{`kind "banana"`, "log line 6"}},
		{"no steps", func(t *testing.T) string {
			dir := t.TempDir()
			writeLog(t, dir, synthetic(1, 3, 1)[:1])
			return dir
		}, []string{"no step record"}},
		{"bad genotype", func(t *testing.T) string {
			dir := good(t)
			os.WriteFile(filepath.Join(dir, GenotypeFile), []byte("Genotype(normal=[oops\n"), 0o644)
			return dir
		}, []string{"genotype.txt"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(c.setup(t))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	if _, err := Load(t.TempDir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing log: error %v does not wrap ErrNotExist", err)
	}
}

func TestCompare(t *testing.T) {
	plots, err := Compare(Labeled{"first order", synthetic(2, 5, 2)}, Labeled{"second order", synthetic(2, 5, 1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"entropy", "skip_weight", "skip_count", "arch_loss"} {
		c := checkSVG(t, name, plots[name])
		if c["series"] != 2 || c["legend-item"] != 2 {
			t.Errorf("%s: %d series and %d legend items, want 2 and 2", name, c["series"], c["legend-item"])
		}
	}
}

func TestZoom(t *testing.T) {
	near := [][][]float64{{{0.12, 0.13}}, {{0.11, 0.14}}}
	if r := zoom(near); !(r[0] > 0.1 && r[0] < 0.11 && r[1] > 0.14 && r[1] < 0.15) {
		t.Errorf("zoom of near-uniform weights %v", r)
	}
	if r := zoom([][][]float64{{{0.05, 0.9}}}); r != [2]float64{} {
		t.Errorf("zoom of spread weights %v, want the default range", r)
	}
	if r := zoom(nil); r != [2]float64{} {
		t.Errorf("zoom of nothing %v", r)
	}
}

func TestPlotsNameTheMethodsMixingWeights(t *testing.T) {
	recs := synthetic(1, 2, 1)
	recs[0].(*search.MetaRecord).MixName = "sigmoid(α)"
	for name, draw := range map[string]func() (string, error){
		"heat map":     func() (string, error) { return AlphaHeatmap(recs, 0) },
		"trajectories": func() (string, error) { return AlphaTrajectories(recs, "normal") },
	} {
		svg, err := draw()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(svg, "sigmoid(α)") || strings.Contains(svg, "softmax") {
			t.Errorf("%s does not name the mixing weights sigmoid(α) alone", name)
		}
	}
}

// TestLiveStatusShowsCollapseSigns: the status line carries the last epoch's skip count,
// Hessian eigenvalue and stopper message when the epoch record has them.
func TestLiveStatusShowsCollapseSigns(t *testing.T) {
	live := NewLive(nil, 1)
	recs := synthetic(1, 3, 1)
	eig, skips := 0.0625, 3
	for _, r := range search.Of[*search.EpochRecord](recs) {
		r.HessianEig, r.SkipCount, r.Stop = &eig, &skips, "darts+: stop here"
	}
	for _, r := range recs {
		live.Record(r)
	}
	st := live.Status()
	for _, s := range []string{"skips 3", "λmax 0.0625", "darts+: stop here"} {
		if !strings.Contains(st, s) {
			t.Errorf("status %q lacks %q", st, s)
		}
	}
}

// TestSearchPlotsOneGroup: a space with one α group (NAS-Bench-201's cell) records it as
// MixNormal and no reduction cell; every plot draws, the reduction cell's as no data.
func TestSearchPlotsOneGroup(t *testing.T) {
	recs := synthetic(2, 6, 3)
	ops := searchspace.NB201Ops()
	meta := recs[0].(*search.MetaRecord)
	meta.Space, meta.Edges, meta.Ops = "nb201", []string{"0→1", "0→2", "1→2", "0→3", "1→3", "2→3"}, nil
	for range meta.Edges {
		meta.Ops = append(meta.Ops, ops)
	}
	rows := make([][]float32, 6)
	for e := range rows {
		rows[e] = []float32{0.1, 0.2, 0.3, 0.2, 0.2}
	}
	for _, r := range recs {
		switch r := r.(type) {
		case *search.StepRecord:
			if r.MixNormal != nil {
				r.MixNormal, r.MixReduce = rows, nil
			}
		case *search.EpochRecord:
			if r.MixNormal != nil {
				r.MixNormal, r.MixReduce = rows, nil
			}
			r.SkipCount = nil
		}
	}
	// Its run directory loads, the architecture kept as written.
	dir := t.TempDir()
	writeLog(t, dir, recs)
	arch := "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|none~2|"
	if err := os.WriteFile(filepath.Join(dir, GenotypeFile), []byte(arch+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.Arch != arch || len(run.Genotype.Normal) != 0 || !strings.HasSuffix(run.Summary(), arch) {
		t.Errorf("loaded arch %q, genotype %v, summary %q", run.Arch, run.Genotype, run.Summary())
	}
	plots, err := SearchPlots(recs)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alpha_heatmap", "alpha_normal", "entropy_normal", "entropy"} {
		if strings.Contains(plots[name], "no data") {
			t.Errorf("%s: no data", name)
		}
		checkSVG(t, name, plots[name])
	}
	if got := checkSVG(t, "alpha_heatmap", plots["alpha_heatmap"]); got["cell"] < 6*5 || got["panel"] != 1 {
		t.Errorf("alpha_heatmap: %d cells, %d panels: want ≥ 30 and 1", got["cell"], got["panel"])
	}
	for _, name := range []string{"alpha_reduce", "entropy_reduce"} {
		if !strings.Contains(plots[name], "no data") {
			t.Errorf("%s: want no data (no reduction cell)", name)
		}
	}
}
