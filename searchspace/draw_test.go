package searchspace

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// svgCounts parses an SVG document with encoding/xml and counts the <g> elements by class.
func svgCounts(t *testing.T, svg string) map[string]int {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	counts := map[string]int{}
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse as XML: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = se.Name.Local
		}
		if se.Name.Local != "g" {
			continue
		}
		for _, a := range se.Attr {
			if a.Name.Local == "class" {
				counts[a.Value]++
			}
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
	return counts
}

func TestGenotypeCellSVG(t *testing.T) {
	g := mustNamed(t, "DARTS_V2")
	svg, err := CellSVG(g.Normal, g.NormalConcat, "DARTS_V2 normal")
	if err != nil {
		t.Fatal(err)
	}
	c := svgCounts(t, svg)
	if c["node intermediate"] != 4 || c["edge op"] != 8 || c["node input"] != 2 || c["node output"] != 1 || c["edge concat"] != 4 {
		t.Errorf("counts %v: want 4 intermediate nodes, 8 op edges, 2 inputs, 1 output, 4 concat edges", c)
	}
	for _, want := range []string{`data-op="dil_conv_3x3"`, `data-op="skip_connect"`, OpColor(OpSepConv3x3), "DARTS_V2 normal"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Count(svg, `data-op="sep_conv_3x3"`) != 5 {
		t.Errorf("want 5 sep_conv_3x3 edges")
	}
}

func TestGenotypeSVGSideBySide(t *testing.T) {
	for _, name := range NamedGenotypes() {
		g := mustNamed(t, name)
		svg, err := g.SVG()
		if err != nil {
			t.Fatal(err)
		}
		c := svgCounts(t, svg)
		wantNodes := g.NormalSteps() + g.ReduceSteps()
		if c["node intermediate"] != wantNodes || c["edge op"] != len(g.Normal)+len(g.Reduce) || c["cell"] != 2 {
			t.Errorf("%s: counts %v, want %d intermediate nodes, %d op edges, 2 cells", name, c, wantNodes, len(g.Normal)+len(g.Reduce))
		}
		if c["edge concat"] != len(g.NormalConcat)+len(g.ReduceConcat) {
			t.Errorf("%s: %d concat edges", name, c["edge concat"])
		}
	}
}

func TestGenotypeDOT(t *testing.T) {
	g := mustNamed(t, "DARTS_V2")
	dot, err := CellDOT(g.Normal, g.NormalConcat, "normal")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dot, `digraph "normal" {`) || !strings.HasSuffix(dot, "}\n") {
		t.Errorf("DOT framing: %q", dot)
	}
	if n := strings.Count(dot, "[label=\"sep_conv_3x3\""); n != 5 {
		t.Errorf("%d sep_conv_3x3 edges, want 5", n)
	}
	if n := strings.Count(dot, "->"); n != 8+4 {
		t.Errorf("%d edges, want 12", n)
	}
	for _, want := range []string{`"c_{k-2}" -> "0"`, `"2" -> "c_{k}"`, "rankdir=LR"} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %q", want)
		}
	}
	full, err := g.DOT()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(full, "subgraph") != 2 || strings.Count(full, "->") != 24 || strings.Count(full, "{") != strings.Count(full, "}") {
		t.Errorf("genotype DOT malformed:\n%s", full)
	}
	if _, err := CellSVG([]OpInput{{OpSepConv3x3, 3}, {OpSepConv3x3, 0}}, []int{2}, ""); err == nil {
		t.Error("CellSVG accepted an input out of range")
	}
}

func TestGenotypeOpFamily(t *testing.T) {
	for _, tc := range []struct{ op, family string }{
		{OpNone, "none"}, {OpMaxPool3x3, "pool"}, {OpAvgPool3x3, "pool"}, {OpSkipConnect, "skip"},
		{OpSepConv7x7, "sep_conv"}, {OpDilConv5x5, "dil_conv"}, {OpConv7x1x1x7, "conv"},
		{OpNorConv3x3, "conv"}, {"ir_k5_e6", "mbconv"}, {OpNoise, "noise"}, {"zzz", "other"},
	} {
		if got := OpFamily(tc.op); got != tc.family {
			t.Errorf("OpFamily(%q) = %q, want %q", tc.op, got, tc.family)
		}
	}
}
