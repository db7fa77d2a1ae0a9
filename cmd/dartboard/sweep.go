package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/analysis"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// seedResult is what a sweep's seed-N/result.json records.
type seedResult struct {
	Seed uint64 `json:"seed"`
	// SupernetValidAcc is the supernet's validation accuracy at the end of the search.
	SupernetValidAcc float64 `json:"supernet_valid_acc"`
	// SearchSeconds is the wall time of the search in the invocation that finished it (0 when
	// an earlier invocation had finished the search and only the training was left).
	SearchSeconds float64    `json:"search_seconds"`
	Train         archResult `json:"train"`
}

// sweepArgs are a sweep's command line split by destination.
type sweepArgs struct {
	own, search, train []string
}

// isFlagToken reports whether a command-line token is a flag ("-x", "--name", "--name=v"),
// not a value such as "-1".
func isFlagToken(tok string) bool {
	t := strings.TrimPrefix(strings.TrimPrefix(tok, "-"), "-")
	return strings.HasPrefix(tok, "-") && t != "" && (t[0] >= 'a' && t[0] <= 'z' || t[0] >= 'A' && t[0] <= 'Z')
}

// splitSweepArgs sends each flag of a sweep's command line where it belongs: --seeds, --out
// and --random to the sweep, --train-NAME to the trainings (as --NAME), --dataset, --data-dir
// and --backend to both, every other flag to the searches (whose own command checks them).
// Neither dartboard search nor train takes positional arguments, so a token that is not a
// flag is the value of the flag before it.
func splitSweepArgs(args []string) (sweepArgs, error) {
	var sa sweepArgs
	for i := 0; i < len(args); i++ {
		tok := args[i]
		if tok == "-h" || tok == "--help" || tok == "-help" {
			return sa, flag.ErrHelp
		}
		if !isFlagToken(tok) {
			return sa, usageError{fmt.Errorf("unexpected argument %q", tok)}
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(tok, "-"), "=")
		group := []string{tok}
		if !hasValue && i+1 < len(args) && !isFlagToken(args[i+1]) {
			group = append(group, args[i+1])
			i++
		}
		switch {
		case name == "seeds" || name == "out" || name == "random" || name == "recalib-batches":
			sa.own = append(sa.own, group...)
		case name == "dataset" || name == "data-dir" || name == "backend":
			sa.search = append(sa.search, group...)
			sa.train = append(sa.train, group...)
		case strings.HasPrefix(name, "train-"):
			group[0] = "--" + strings.TrimPrefix(strings.TrimLeft(tok, "-"), "train-")
			sa.train = append(sa.train, group...)
		case name == "seed" || name == "resume":
			return sa, usageError{fmt.Errorf("--%s: a sweep runs seeds 1..--seeds and resumes by itself (the training seed is --train-seed)", name)}
		default:
			sa.search = append(sa.search, group...)
		}
	}
	return sa, nil
}

const sweepUsage = `usage: dartboard sweep --seeds N [--out DIR] [--random DIR] [search flags] [--train-FLAG ...]

Runs N searches (seeds 1..N, DIR/seed-N), trains each derived genotype stand-alone
(DIR/seed-N/train) and prints a summary: the genotypes' pairwise similarity, their skip
connections, the stand-alone accuracy (mean ± std) and, with --random, where the searched
architectures fall among the random ones of a dartboard random run. It then scores every
architecture (searched and random) on every seed's supernet: its validation accuracy as a
sub-network with the supernet's weights after --recalib-batches of batch-norm recalibration,
averaged over the supernets; Kendall's τ-b of that score against the stand-alone accuracy says
how well the weight-sharing supernet ranks the architectures. The summary also goes to
DIR/sweep.json. Search flags are those of dartboard search; the flags of dartboard train are
given with a train- prefix (--train-epochs 1). --dataset, --data-dir and --backend serve both.
Rerunning the same command continues a killed sweep: finished seeds are skipped, an interrupted
search or training resumes from its checkpoint.

`

// spaceArg returns the value of the last --space flag of args (lower case; "" if none).
func spaceArg(args []string) string {
	v := ""
	for i, a := range args {
		name, val, eq := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "space" {
			continue
		}
		if eq {
			v = val
		} else if i+1 < len(args) {
			v = args[i+1]
		}
	}
	return strings.ToLower(strings.TrimSpace(v))
}

// runSweep runs a seed sweep: N searches, the stand-alone training of each derived genotype,
// and a summary.
func runSweep(args []string, stdout, stderr io.Writer) error {
	own := flag.NewFlagSet("sweep", flag.ContinueOnError)
	seeds := own.Int("seeds", 3, "number of searches (seeds 1..N)")
	out := own.String("out", "runs/sweep", "output directory: seed-1, seed-2, ...")
	randomDir := own.String("random", "", "a dartboard random output directory to place the searched architectures among")
	recalib := own.Int("recalib-batches", 20, "supernet-based scores: training batches of batch-norm recalibration of each architecture as a sub-network of each seed's supernet")
	sa, err := splitSweepArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stderr, sweepUsage)
		own.SetOutput(stderr)
		own.PrintDefaults()
		return err
	}
	if err != nil {
		return err
	}
	if _, err := parseFlags(own, sa.own, stderr, 0); err != nil {
		return err
	}
	if sp := spaceArg(sa.search); sp == spaceNB201 || sp == spaceFBNet || sp == spaceProxyless {
		return usageError{fmt.Errorf("sweep trains DARTS genotypes; --space %s is searched with dartboard search and trained with dartboard train", sp)}
	}
	tfs := flag.NewFlagSet("sweep (--train-* flags)", flag.ContinueOnError)
	var o trainOptions
	registerTrainFlags(tfs, &o, "", false)
	if _, err := parseFlags(tfs, sa.train, stderr, 0); err != nil {
		return err
	}
	if err := o.parsed(tfs, ""); err != nil {
		return err
	}
	if *seeds < 1 {
		return usageError{fmt.Errorf("--seeds %d: want at least 1", *seeds)}
	}
	if *recalib < 0 {
		return usageError{fmt.Errorf("--recalib-batches %d: want at least 0", *recalib)}
	}
	var random []archResult
	if *randomDir != "" {
		// Read it first: a wrong directory should fail before hours of searching.
		if random, err = readRandomResults(*randomDir); err != nil {
			return err
		}
	}
	sess := &session{}
	defer sess.close()
	var results []seedResult
	for seed := 1; seed <= *seeds; seed++ {
		dir := filepath.Join(*out, "seed-"+strconv.Itoa(seed))
		fmt.Fprintf(stderr, "== seed %d of %d: %s\n", seed, *seeds, dir)
		r, err := sweepSeed(sess, uint64(seed), dir, sa.search, o, stderr)
		if err != nil {
			return fmt.Errorf("seed %d (%s): %w", seed, dir, err)
		}
		results = append(results, r)
	}
	sum, err := newSweepSummary(results, random, *randomDir)
	if err != nil {
		return err
	}
	if n := len(sum.genotypes); n < 2 {
		// A ranking of one architecture has no τ; the summary still reports its accuracies.
		fmt.Fprintf(stderr, "== supernet-based scores: skipped, %d architecture (a ranking needs at least 2: more --seeds or --random)\n", n)
	} else if err := rankOnSupernets(sess, *out, results, sum, *recalib, stderr); err != nil {
		return err
	}
	sum.RecalibrationBatches = *recalib
	if err := writeSweepSummary(stdout, stderr, sum); err != nil {
		return err
	}
	return writeJSONAtomic(filepath.Join(*out, sweepFile), sum)
}

// rankOnSupernets scores every architecture of sum as a sub-network of each seed's supernet
// (its checkpoint under out) and fills in sum.Ranking.
func rankOnSupernets(sess *session, out string, results []seedResult, sum *sweepSummary, recalib int, stderr io.Writer) error {
	fmt.Fprintf(stderr, "== supernet-based scores: %d architectures on %d supernets\n", len(sum.Ranking.StandAlone), len(results))
	var scores [][]float64
	for _, r := range results {
		err := atCheckpoint(sess, filepath.Join(out, "seed-"+strconv.FormatUint(r.Seed, 10)), func(s *search.Searcher, _ []string) error {
			sc, err := analysis.InheritedScores(s, sum.genotypes, recalib, 0)
			scores = append(scores, sc)
			return err
		})
		if err != nil {
			return fmt.Errorf("supernet-based scores on seed %d's supernet: %w", r.Seed, err)
		}
	}
	var err error
	sum.Ranking, err = analysis.RankSupernetScores(scores, sum.Ranking.StandAlone)
	return err
}

// sweepSeed runs (or continues, or skips when finished) the search of one seed into dir and
// the stand-alone training of its genotype into dir/train.
func sweepSeed(sess *session, seed uint64, dir string, searchArgs []string, o trainOptions, stderr io.Writer) (seedResult, error) {
	var r seedResult
	if b, err := os.ReadFile(filepath.Join(dir, resultFile)); err == nil {
		if err := json.Unmarshal(b, &r); err != nil {
			return r, err
		}
		fmt.Fprintf(stderr, "%s: finished before (test accuracy %.4f), skipped\n", dir, r.Train.TestAcc)
		return r, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return r, err
	}
	r.Seed = seed
	gPath := filepath.Join(dir, searchGenotypeFile)
	if !fileExists(gPath) {
		args := append(append([]string(nil), searchArgs...), "--seed", strconv.FormatUint(seed, 10), "--out", dir)
		if fileExists(filepath.Join(dir, searchCheckpoint)) {
			args = append(args, "--resume")
		} else if err := os.Remove(filepath.Join(dir, searchLogFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			// A log without a checkpoint is a search killed before its first checkpoint.
			return r, err
		}
		start := time.Now()
		// The search prints its genotype on stdout; the sweep's stdout is for the summary.
		if err := searchWith(sess, args, stderr, stderr, nil); err != nil {
			return r, err
		}
		r.SearchSeconds = time.Since(start).Seconds()
	}
	text, err := os.ReadFile(gPath)
	if err != nil {
		return r, err
	}
	g, err := searchspace.ParseGenotype(strings.TrimSpace(string(text)))
	if err != nil {
		return r, fmt.Errorf("%s: %w", gPath, err)
	}
	recs, err := search.ReadLogFile(filepath.Join(dir, searchLogFile))
	if err != nil {
		return r, err
	}
	if last := search.Last[*search.EpochRecord](recs); last != nil {
		r.SupernetValidAcc = last.ValidAcc
	}
	if r.Train, err = trainResumable(sess, g, o, filepath.Join(dir, "train"), stderr); err != nil {
		return r, err
	}
	return r, writeJSONAtomic(filepath.Join(dir, resultFile), r)
}

// sweepFile is where dartboard sweep writes its summary (JSON) in its output directory.
const sweepFile = "sweep.json"

// sweepSummary is what a sweep reports (sweep.json): the searched architectures, the random
// ones, and how a supernet ranks them all against their stand-alone accuracy.
type sweepSummary struct {
	Seeds     []seedResult `json:"seeds"`
	Random    []archResult `json:"random,omitempty"`
	RandomDir string       `json:"random_dir,omitempty"`
	// Architectures names the architectures of Ranking, in its order: seed-N, then
	// random/arch-N.
	Architectures []string `json:"architectures"`
	// Ranking: each architecture's validation accuracy as a sub-network of each seed's
	// supernet with inherited weights (after RecalibrationBatches of batch-norm
	// recalibration), their mean, and Kendall's τ-b of the mean against the stand-alone test
	// accuracy.
	Ranking              analysis.SupernetRanking `json:"supernet_ranking"`
	RecalibrationBatches int                      `json:"recalibration_batches"`
	genotypes            []searchspace.Genotype
}

// newSweepSummary gathers the sweep's and the random baseline's architectures; the caller
// fills in the ranking's scores.
func newSweepSummary(rs []seedResult, random []archResult, randomDir string) (*sweepSummary, error) {
	sum := &sweepSummary{Seeds: rs, Random: random, RandomDir: randomDir}
	add := func(name, genotype string, acc float64) error {
		g, err := searchspace.ParseGenotype(genotype)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		sum.genotypes = append(sum.genotypes, g)
		sum.Architectures = append(sum.Architectures, name)
		sum.Ranking.StandAlone = append(sum.Ranking.StandAlone, acc)
		return nil
	}
	for _, r := range rs {
		if err := add("seed-"+strconv.FormatUint(r.Seed, 10), r.Train.Genotype, r.Train.TestAcc); err != nil {
			return nil, err
		}
	}
	for i, r := range random {
		if err := add(fmt.Sprintf("%s/arch-%d", randomDir, i+1), r.Genotype, r.TestAcc); err != nil {
			return nil, err
		}
	}
	return sum, nil
}

// writeSweepSummary prints the sweep's table and statistics (sum from newSweepSummary), the
// supernet ranking's τ, and places the searched architectures among the random ones when there are any.
func writeSweepSummary(w, stderr io.Writer, sum *sweepSummary) error {
	rs, random, randomDir := sum.Seeds, sum.Random, sum.RandomDir
	fmt.Fprintf(w, "%-5s %9s %9s %9s %6s  %s\n", "seed", "params", "supernet", "test-acc", "skips", "genotype")
	var accs, super []float64
	gs := sum.genotypes[:len(rs)]
	for _, r := range rs {
		accs = append(accs, r.Train.TestAcc)
		super = append(super, r.SupernetValidAcc)
		fmt.Fprintf(w, "%-5d %9d %9.4f %9.4f %3d/%-2d  %s\n", r.Seed, r.Train.Params, r.SupernetValidAcc, r.Train.TestAcc,
			r.Train.SkipsNormal, r.Train.SkipsReduce, r.Train.Genotype)
	}
	m, s, _ := analysis.MeanStd(accs)
	fmt.Fprintf(w, "stand-alone test accuracy: %.4f ± %.4f over %d searches\n", m, s, len(rs))
	m, s, _ = analysis.MeanStd(super)
	fmt.Fprintf(w, "supernet validation accuracy: %.4f ± %.4f\n", m, s)
	if len(gs) > 1 {
		pairs, err := analysis.PairwiseSimilarity(gs)
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "pairwise similarity (shared edges, shared (edge, op) pairs):")
		var ne, no, re, ro []float64
		for i := range gs {
			for j := i + 1; j < len(gs); j++ {
				p := pairs[i][j]
				fmt.Fprintf(w, "  seeds %d-%d: %s\n", rs[i].Seed, rs[j].Seed, p)
				ne, no = append(ne, p.Normal.EdgeFraction()), append(no, p.Normal.OpFraction())
				re, ro = append(re, p.Reduce.EdgeFraction()), append(ro, p.Reduce.OpFraction())
			}
		}
		mean := func(xs []float64) float64 { m, _, _ := analysis.MeanStd(xs); return 100 * m }
		fmt.Fprintf(w, "  mean: normal %.0f%% edges %.0f%% ops, reduce %.0f%% edges %.0f%% ops\n", mean(ne), mean(no), mean(re), mean(ro))
	}
	writeRanking(w, sum)
	if len(random) == 0 {
		return nil
	}
	pool := make([]float64, len(random))
	for i, r := range random {
		pool[i] = r.TestAcc
		if r.Recipe != rs[0].Train.Recipe {
			fmt.Fprintf(stderr, "warning: %s/arch-%d was trained with another recipe than the sweep's:\n  random: %s\n  sweep:  %s\n",
				randomDir, i+1, r.Recipe, rs[0].Train.Recipe)
		}
	}
	rm, rsd, _ := analysis.MeanStd(pool)
	fmt.Fprintf(w, "random baseline %s: test accuracy %.4f ± %.4f over %d architectures\n", randomDir, rm, rsd, len(random))
	for _, r := range rs {
		rank := analysis.Rank(r.Train.TestAcc, pool)
		fmt.Fprintf(w, "  seed %d: %.4f beats %g of %d random architectures (%.0f%%)\n", r.Seed, r.Train.TestAcc, rank, len(pool), 100*rank/float64(len(pool)))
	}
	return nil
}

// writeRanking prints each architecture's supernet-based score and the τ-b lines.
func writeRanking(w io.Writer, sum *sweepSummary) {
	r := sum.Ranking
	if len(r.Score) == 0 {
		return
	}
	fmt.Fprintf(w, "supernet-based score: validation accuracy as a sub-network with inherited weights (%d batches of BN recalibration), mean over the %d seeds' supernets:\n",
		sum.RecalibrationBatches, len(r.Scores))
	for i, name := range sum.Architectures {
		fmt.Fprintf(w, "  %-20s score %.4f  stand-alone %.4f\n", name, r.Score[i], r.StandAlone[i])
	}
	what := fmt.Sprintf("Kendall τ-b, supernet-based score vs stand-alone test accuracy (%d architectures", len(r.Score))
	if len(sum.Random) > 0 {
		what += fmt.Sprintf(": %d searched, %d random", len(sum.Seeds), len(sum.Random))
	}
	if r.TauError != "" {
		fmt.Fprintf(w, "%s): undefined (%s)\n", what, r.TauError)
		return
	}
	fmt.Fprintf(w, "%s): %.3f\n", what, r.Tau)
	if len(r.PerSupernet) > 1 {
		fmt.Fprint(w, "  per supernet:")
		for k, t := range r.PerSupernet {
			fmt.Fprintf(w, " seed %d %.3f", sum.Seeds[k].Seed, t)
		}
		fmt.Fprintln(w)
	}
}
