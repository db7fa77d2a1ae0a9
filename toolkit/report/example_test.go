package report_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/report"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// records returns a tiny search log: the meta record of a cell with two edges and three
// operations, four steps (mixing weights at steps 1, 2 and 4) and two epoch ends.
func records() []search.Record {
	one, two := 1, 2
	w := func(skip float32) [][]float32 {
		return [][]float32{{0.2, skip, 0.8 - skip}, {0.1, skip, 0.9 - skip}}
	}
	return []search.Record{
		&search.MetaRecord{Edges: []string{"0→2", "1→2"}, Ops: [][]string{{"none", "skip_connect", "sep_conv_3x3"},
			{"none", "skip_connect", "sep_conv_3x3"}}, StepsPerEpoch: 2, Epochs: 2},
		&search.StepRecord{Step: 1, Seconds: 3, TrainLoss: 2.3, ArchLoss: 2.3, TrainAcc: 0.1, MixNormal: w(0.3), MixReduce: w(0.3)},
		&search.StepRecord{Step: 2, Seconds: 6, TrainLoss: 2.1, ArchLoss: 2.2, TrainAcc: 0.2, MixNormal: w(0.4), MixReduce: w(0.3)},
		&search.EpochRecord{Step: 2, Seconds: 7, ValidLoss: 2.0, ValidAcc: 0.3, SkipCount: &one, MixNormal: w(0.4), MixReduce: w(0.3)},
		&search.StepRecord{Step: 3, Epoch: 1, Seconds: 9, TrainLoss: 1.9, ArchLoss: 2.0, TrainAcc: 0.3},
		&search.StepRecord{Step: 4, Epoch: 1, Seconds: 12, TrainLoss: 1.7, ArchLoss: 1.9, TrainAcc: 0.4, MixNormal: w(0.6), MixReduce: w(0.3)},
		&search.EpochRecord{Step: 4, Epoch: 1, Seconds: 13, ValidLoss: 1.8, ValidAcc: 0.4, SkipCount: &two, MixNormal: w(0.6), MixReduce: w(0.3)},
	}
}

func ExampleSearchPlots() {
	plots, err := report.SearchPlots(records())
	if err != nil {
		panic(err)
	}
	names := make([]string, 0, len(plots))
	for name, svg := range plots {
		if strings.HasPrefix(svg, "<svg") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	fmt.Println(names)
	// Output:
	// [accuracy alpha_heatmap alpha_normal alpha_reduce entropy entropy_normal entropy_reduce hessian_eig loss skip_count]
}

func ExampleNewLive() {
	shown := 0
	var last string
	// In GoNB: id := gonbui.UniqueId(); display := func(h string) { gonbui.UpdateHtml(id, h) }
	live := report.NewLive(func(html string) { shown++; last = html }, 3)
	for _, r := range records() {
		live.Record(r) // a Searcher calls this: search.New(eng, cfg, train, valid, live)
	}
	// Step 3 and the two epoch ends.
	fmt.Println(shown, strings.Count(last, "<svg"))
	fmt.Println(live.Status())
	// Output:
	// 3 2
	// step 4/4 · epoch 2/2 · loss 1.700 · α loss 1.900 · valid acc 0.400 · skips 2 · 3.00 s/step · ETA 0s
}

func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "search")
	defer os.RemoveAll(dir)
	// A search directory as `dartboard search --out DIR` or report.RunSearch leaves it.
	log, _ := search.OpenJSONL(filepath.Join(dir, report.LogFile), 0)
	for _, r := range records() {
		log.Record(r)
	}
	log.Close()
	g, _ := searchspace.Named("DARTS_V2")
	report.WriteGenotype(dir, g)

	run, err := report.Load(dir)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(run.Records), len(run.Epochs()), run.LastEpoch().ValidAcc, run.Genotype.Normal[0])
	// Output: 7 2 0.4 {sep_conv_3x3 0}
}

func ExampleLoad_malformed() {
	dir, _ := os.MkdirTemp("", "search")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, report.LogFile), []byte(`{"kind":"meta"}`+"\n"+`{"kind":"step","st`), 0o644)
	_, err := report.Load(dir)
	fmt.Println(strings.Replace(err.Error(), dir, "DIR", 1))
	// Output: report: DIR/search.jsonl: log line 2: malformed record: unexpected end of JSON input
}
