package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/network"
)

func genotypeCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func genotypeLastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestGenotypeCLIParams(t *testing.T) {
	v2, err := searchspace.Named("DARTS_V2")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		last string
	}{
		{"anchor", []string{"genotype", "params", "DARTS_V2", "--channels", "36", "--layers", "20"}, "3349342"},
		{"defaults", []string{"genotype", "params", "DARTS_V2"}, "3349342"},
		{"flags first, quark0 string", []string{"genotype", "params", "--layers=20", v2.String()}, "3349342"},
		{"auxiliary", []string{"genotype", "params", "DARTS_V2", "--auxiliary"}, "3825768"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := genotypeCLI(tc.args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errs)
			}
			if got := genotypeLastLine(out); got != tc.last {
				t.Errorf("last line %q, want %q\n%s", got, tc.last, out)
			}
			if !strings.Contains(out, "multiply-adds: ") {
				t.Errorf("no multiply-adds line:\n%s", out)
			}
		})
	}
	// ImageNet: the last line is what searchspace.Size counts.
	p, _, err := searchspace.Size(v2, searchspace.NetConfig{Channels: 48, Layers: 14, Classes: 1000, ImageNet: true})
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := genotypeCLI("genotype", "params", "DARTS_V2", "--imagenet", "--channels", "48", "--layers", "14", "--classes", "1000")
	if code != 0 || genotypeLastLine(out) != strconv.FormatInt(p, 10) {
		t.Errorf("imagenet: exit %d, last line %q, want %d", code, genotypeLastLine(out), p)
	}
}

func TestGenotypeCLIShowListDraw(t *testing.T) {
	code, out, errs := genotypeCLI("genotype", "show", "PDARTS")
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, errs)
	}
	pd, _ := searchspace.Named("PDARTS")
	if !strings.HasPrefix(out, pd.String()+"\n") || !strings.Contains(out, "dil_conv_5x5") || !strings.Contains(out, "concat") {
		t.Errorf("show output:\n%s", out)
	}
	code, out, _ = genotypeCLI("genotype", "show", "PDARTS", "--json")
	if g, err := searchspace.ParseGenotypeJSON([]byte(out)); code != 0 || err != nil || !g.Equal(pd) {
		t.Errorf("show --json: exit %d, %v:\n%s", code, err, out)
	}
	code, out, _ = genotypeCLI("genotype", "list")
	if code != 0 || strings.Count(out, "\n") != len(searchspace.NamedGenotypes()) || !strings.Contains(out, "DARTS_V2") {
		t.Errorf("list: exit %d:\n%s", code, out)
	}

	code, out, errs = genotypeCLI("genotype", "draw", "DARTS_V2")
	if code != 0 {
		t.Fatalf("draw: exit %d: %s", code, errs)
	}
	dec := xml.NewDecoder(strings.NewReader(out))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("draw output is not XML: %v", err)
		}
	}
	if strings.Count(out, `class="edge op"`) != 16 {
		t.Errorf("draw: %d op edges, want 16", strings.Count(out, `class="edge op"`))
	}
	file := filepath.Join(t.TempDir(), "cell.dot")
	code, out, errs = genotypeCLI("genotype", "draw", "DARTS_V2", "--format", "dot", "--cell", "normal", "--out", file)
	if code != 0 || out != "" {
		t.Fatalf("draw --out: exit %d, stdout %q, stderr %s", code, out, errs)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "digraph") || strings.Count(string(data), "->") != 12 {
		t.Errorf("dot file:\n%s", data)
	}
}

func TestGenotypeCLIErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		substr string
	}{
		{"no subcommand", []string{"genotype"}, 2, "missing subcommand"},
		{"unknown subcommand", []string{"genotype", "frobnicate"}, 2, "unknown subcommand"},
		{"missing genotype", []string{"genotype", "params"}, 2, "missing NAME-or-STRING"},
		{"unknown name", []string{"genotype", "show", "DARTS_V9"}, 2, "unknown name"},
		{"malformed string", []string{"genotype", "show", "Genotype(normal=[('sep_conv_3x3', 0)"}, 2, "byte"},
		{"bad flag", []string{"genotype", "params", "DARTS_V2", "--channels", "x"}, 2, "invalid value"},
		{"two genotypes", []string{"genotype", "params", "DARTS_V2", "PDARTS"}, 2, "unexpected arguments"},
		{"bad format", []string{"genotype", "draw", "DARTS_V2", "--format", "png"}, 2, "--format"},
		{"bad network", []string{"genotype", "params", "DARTS_V2", "--classes", "0"}, 2, "--classes 0"},
		{"help", []string{"genotype", "-h"}, 0, "subcommands"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := genotypeCLI(tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.substr) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tc.code, errs, tc.substr)
			}
		})
	}
}

// genotype params of a NAS-Bench-201 string prints the benchmark network's parameter count,
// equal to the network the toolkit builds (NAS-Bench-201's largest CIFAR-10 network: 1,531,546),
// and of an FBNet block list the mobile network's, equal to the built one's.
func TestGenotypeCLIParamsOtherSpaces(t *testing.T) {
	const big = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
	for _, tc := range []struct {
		arch          string
		c, n, classes int
		want          string
	}{
		{big, 16, 5, 10, "1531546"},
		{"|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|", 8, 2, 100, ""},
	} {
		code, out, errs := genotypeCLI("genotype", "params", tc.arch, "--channels", strconv.Itoa(tc.c),
			"--cells-per-stage", strconv.Itoa(tc.n), "--classes", strconv.Itoa(tc.classes))
		if code != 0 {
			t.Fatalf("exit %d, stderr %s", code, errs)
		}
		a, err := searchspace.ParseNB201(tc.arch)
		if err != nil {
			t.Fatal(err)
		}
		net, err := network.NB201Derived(a, network.Config{C: tc.c, Layers: tc.n, Classes: tc.classes, InChannels: 3})
		if err != nil {
			t.Fatal(err)
		}
		got := genotypeLastLine(out)
		if got != strconv.FormatInt(net.Params.Count(), 10) {
			t.Errorf("%s: CLI prints %s, the built network has %d parameters", tc.arch, got, net.Params.Count())
		}
		if tc.want != "" && got != tc.want {
			t.Errorf("%s: CLI prints %s, want %s", tc.arch, got, tc.want)
		}
	}
	fb := searchspace.FBNetSpace().Scaled(0.25, 2, 1)
	var blocks []string
	for i, l := range fb.Layers() {
		blocks = append(blocks, l.Blocks[(3*i)%len(l.Blocks)])
	}
	arch := searchspace.MobileArch{Blocks: blocks, Stages: []int{1, 2, 2, 2, 2, 2, 1}}
	code, out, errs := genotypeCLI("genotype", "params", "--space", "fbnet", "--width", "0.25", "--max-repeats", "2",
		"--stem-stride", "1", "--in-channels", "1", "--input", "28", arch.String())
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	net, err := network.MobileDerived(fb, arch, network.Config{Classes: 10, InChannels: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := genotypeLastLine(out); got != strconv.FormatInt(net.Params.Count(), 10) {
		t.Errorf("fbnet %s: CLI prints %s, the built network has %d parameters", arch, got, net.Params.Count())
	}
	if code, _, _ := genotypeCLI("genotype", "params", "|nor_conv_3x3~0|+|bad~0|nor_conv_3x3~1|+|none~0|none~1|none~2|"); code != 2 {
		t.Errorf("a malformed NB201 string exits %d, want 2 (usage)", code)
	}
}
