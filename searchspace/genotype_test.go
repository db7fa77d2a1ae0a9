package searchspace

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// Source texts as they appear in the reference repositories (quark0/darts cnn/genotypes.py,
// yuhuixu1993/PC-DARTS genotypes.py, chenxin061/pdarts genotypes.py), irregular spacing and
// range() concats included.
const (
	srcDARTSV2 = `Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])`
	srcDARTSV1 = `DARTS_V1 = Genotype(normal=[('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=[2, 3, 4, 5])`
	srcPCDARTS = `PC_DARTS_cifar = Genotype(normal=[('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 0), ('dil_conv_3x3', 1), ('sep_conv_5x5', 0), ('sep_conv_3x3', 1), ('avg_pool_3x3', 0), ('dil_conv_3x3', 1)], normal_concat=range(2, 6), reduce=[('sep_conv_5x5', 1), ('max_pool_3x3', 0), ('sep_conv_5x5', 1), ('sep_conv_5x5', 2), ('sep_conv_3x3', 0), ('sep_conv_3x3', 3), ('sep_conv_3x3', 1), ('sep_conv_3x3', 2)], reduce_concat=range(2, 6))`
	srcPCImage = `PC_DARTS_image = Genotype(normal=[('skip_connect', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 0), ('skip_connect', 1), ('sep_conv_3x3', 1), ('sep_conv_3x3', 3), ('sep_conv_3x3', 1), ('dil_conv_5x5', 4)], normal_concat=range(2, 6), reduce=[('sep_conv_3x3', 0), ('skip_connect', 1), ('dil_conv_5x5', 2), ('max_pool_3x3', 1), ('sep_conv_3x3', 2), ('sep_conv_3x3', 1), ('sep_conv_5x5', 0), ('sep_conv_3x3', 3)], reduce_concat=range(2, 6))`
	srcPDARTS  = `PDARTS = Genotype(normal=[('skip_connect', 0), ('dil_conv_3x3', 1), ('skip_connect', 0),('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('sep_conv_3x3', 3), ('sep_conv_3x3',0), ('dil_conv_5x5', 4)], normal_concat=range(2, 6), reduce=[('avg_pool_3x3', 0), ('sep_conv_5x5', 1), ('sep_conv_3x3', 0), ('dil_conv_5x5', 2), ('max_pool_3x3', 0), ('dil_conv_3x3', 1), ('dil_conv_3x3', 1), ('dil_conv_5x5', 3)], reduce_concat=range(2, 6))`
	srcNASNet  = `NASNet = Genotype(
  normal = [
    ('sep_conv_5x5', 1),
    ('sep_conv_3x3', 0),
    ('sep_conv_5x5', 0),
    ('sep_conv_3x3', 0),
    ('avg_pool_3x3', 1),
    ('skip_connect', 0),
    ('avg_pool_3x3', 0),
    ('avg_pool_3x3', 0),
    ('sep_conv_3x3', 1),
    ('skip_connect', 1),
  ],
  normal_concat = [2, 3, 4, 5, 6],
  reduce = [
    ('sep_conv_5x5', 1),
    ('sep_conv_7x7', 0),
    ('max_pool_3x3', 1),
    ('sep_conv_7x7', 0),
    ('avg_pool_3x3', 1),
    ('sep_conv_5x5', 0),
    ('skip_connect', 3),
    ('avg_pool_3x3', 2),
    ('sep_conv_3x3', 2),
    ('max_pool_3x3', 1),
  ],
  reduce_concat = [4, 5, 6],
)`
	srcAmoebaNet = `AmoebaNet = Genotype(
  normal = [
    ('avg_pool_3x3', 0),
    ('max_pool_3x3', 1),
    ('sep_conv_3x3', 0),
    ('sep_conv_5x5', 2),
    ('sep_conv_3x3', 0),
    ('avg_pool_3x3', 3),
    ('sep_conv_3x3', 1),
    ('skip_connect', 1),
    ('skip_connect', 0),
    ('avg_pool_3x3', 1),
    ],
  normal_concat = [4, 5, 6],
  reduce = [
    ('avg_pool_3x3', 0),
    ('sep_conv_3x3', 1),
    ('max_pool_3x3', 0),
    ('sep_conv_7x7', 2),
    ('sep_conv_7x7', 0),
    ('avg_pool_3x3', 1),
    ('max_pool_3x3', 0),
    ('max_pool_3x3', 1),
    ('conv_7x1_1x7', 0),
    ('sep_conv_3x3', 5),
  ],
  reduce_concat = [3, 4, 6]
)`
)

func TestGenotypeNamedMatchesSources(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"DARTS_V1", srcDARTSV1}, {"DARTS_V2", srcDARTSV2}, {"NASNet", srcNASNet}, {"AmoebaNet", srcAmoebaNet},
		{"PC_DARTS", srcPCDARTS}, {"PC_DARTS_image", srcPCImage}, {"PDARTS", srcPDARTS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := Named(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseGenotype(tc.src)
			if err != nil {
				t.Fatalf("parse source: %v", err)
			}
			if !got.Equal(want) {
				t.Errorf("source parses to\n%v\nwant Named\n%v", got, want)
			}
		})
	}
}

func TestGenotypeRoundTrip(t *testing.T) {
	if len(NamedGenotypes()) < 6 {
		t.Fatalf("NamedGenotypes() = %v", NamedGenotypes())
	}
	for _, name := range NamedGenotypes() {
		t.Run(name, func(t *testing.T) {
			g, err := Named(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Validate(); err != nil {
				t.Fatal(err)
			}
			s := g.String()
			back, err := ParseGenotype(s)
			if err != nil {
				t.Fatalf("parse(format(g)): %v", err)
			}
			if !back.Equal(g) {
				t.Errorf("parse(format(g)) = %v, want %v", back, g)
			}
			if s2 := back.String(); s2 != s {
				t.Errorf("format(parse(s)) = %q, want %q", s2, s)
			}
			js, err := json.Marshal(g)
			if err != nil {
				t.Fatal(err)
			}
			gj, err := ParseGenotypeJSON(js)
			if err != nil {
				t.Fatalf("ParseGenotypeJSON(%s): %v", js, err)
			}
			if !gj.Equal(g) {
				t.Errorf("JSON round trip = %v, want %v", gj, g)
			}
			for _, key := range []string{name, strings.ToLower(name), s, string(js)} {
				gl, err := Lookup(key)
				if err != nil || !gl.Equal(g) {
					t.Errorf("Lookup(%.40q) = %v, %v", key, gl, err)
				}
			}
		})
	}
}

// The canonical text of DARTS_V2 is byte for byte the line of quark0/darts genotypes.py.
func TestGenotypeStringMatchesQuark0(t *testing.T) {
	g, err := Named("DARTS_V2")
	if err != nil {
		t.Fatal(err)
	}
	if g.String() != srcDARTSV2 {
		t.Errorf("String() = %q\nwant        %q", g.String(), srcDARTSV2)
	}
	g1, _ := Named("DARTS_V1")
	if "DARTS_V1 = "+g1.String() != srcDARTSV1 {
		t.Errorf("DARTS_V1 String() = %q", g1.String())
	}
}

func TestGenotypeJSONForm(t *testing.T) {
	g, _ := Named("DARTS_V2")
	js, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"normal":[["sep_conv_3x3",0],["sep_conv_3x3",1],["sep_conv_3x3",0],["sep_conv_3x3",1],["sep_conv_3x3",1],["skip_connect",0],["skip_connect",0],["dil_conv_3x3",2]],"normal_concat":[2,3,4,5],"reduce":[["max_pool_3x3",0],["max_pool_3x3",1],["skip_connect",2],["max_pool_3x3",1],["max_pool_3x3",0],["skip_connect",2],["skip_connect",2],["max_pool_3x3",1]],"reduce_concat":[2,3,4,5]}`
	if string(js) != want {
		t.Errorf("JSON = %s\nwant %s", js, want)
	}
	// Object entries are accepted too.
	obj := `{"normal":[{"op":"skip_connect","input":0},{"op":"sep_conv_3x3","input":1}],"normal_concat":[2],"reduce":[["max_pool_3x3",0],["max_pool_3x3",1]],"reduce_concat":[2]}`
	h, err := ParseGenotypeJSON([]byte(obj))
	if err != nil {
		t.Fatal(err)
	}
	if h.Normal[1] != (OpInput{OpSepConv3x3, 1}) {
		t.Errorf("object entry parsed as %v", h.Normal[1])
	}
}

func TestGenotypeParseVariants(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"double quotes", `Genotype(normal=[("skip_connect", 0), ("sep_conv_3x3", 1)], normal_concat=range(2, 3), reduce=[("max_pool_3x3", 0), ("max_pool_3x3", 1)], reduce_concat=[2])`},
		{"fields reordered, trailing commas, comment", "Genotype(reduce_concat=[2,], # the output\n reduce=[('max_pool_3x3',0,),('max_pool_3x3',1),], normal_concat=[2], normal=[('skip_connect', 0), ('sep_conv_3x3', 1)],)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := ParseGenotype(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			want := Genotype{Normal: []OpInput{{OpSkipConnect, 0}, {OpSepConv3x3, 1}}, NormalConcat: []int{2},
				Reduce: []OpInput{{OpMaxPool3x3, 0}, {OpMaxPool3x3, 1}}, ReduceConcat: []int{2}}
			if !g.Equal(want) {
				t.Errorf("got %v, want %v", g, want)
			}
		})
	}
}

func TestGenotypeMalformed(t *testing.T) {
	valid := `Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)], normal_concat=[2], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1)], reduce_concat=[2])`
	unbalanced := `Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), normal_concat=[2])`
	missing := `Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)], normal_concat=[2])`
	for _, tc := range []struct {
		name   string
		src    string
		offset int    // byte offset of a *SyntaxError; -1: not a syntax error
		substr string // in the message
	}{
		{"empty", "", 0, "Genotype("},
		{"wrong head", "Genome(normal=[])", 0, "Genotype("},
		{"missing paren", "Genotype normal=[]", 9, "'(' after Genotype"},
		{"unknown op", strings.Replace(valid, "'sep_conv_3x3', 1", "'sep_conv_9x9', 1", 1), strings.Index(valid, "'sep_conv_3x3', 1"), "sep_conv_9x9"},
		{"unterminated string", "Genotype(normal=[('sep_conv_3x3, 0)])", 18, "closing '"},
		{"missing comma in pair", "Genotype(normal=[('sep_conv_3x3' 0)])", 33, "',' after the operation name"},
		{"non-integer input", "Genotype(normal=[('sep_conv_3x3', x)])", 34, "an integer"},
		{"unbalanced list", unbalanced, strings.Index(unbalanced, "normal_concat"), "'(' opening an (op, input) pair"},
		{"unbalanced pair", "Genotype(normal=[('sep_conv_3x3', 0]", 35, "')' closing the (op, input) pair"},
		{"unclosed genotype", strings.TrimSuffix(valid, ")"), len(valid) - 1, "closing Genotype("},
		{"trailing text", valid + ")", len(valid), "end of input"},
		{"unknown field", "Genotype(normal=[], extra=[2])", 20, "field name"},
		{"duplicate field", "Genotype(normal=[], normal=[])", 20, "already given"},
		{"missing field", missing, len(missing), "field reduce"},
		{"bad concat", strings.Replace(valid, "normal_concat=[2]", "normal_concat=2", 1), strings.Index(valid, "normal_concat=") + len("normal_concat="), "a concat"},
		{"empty range", strings.Replace(valid, "normal_concat=[2]", "normal_concat=range(6, 2)", 1), strings.Index(valid, "normal_concat=") + len("normal_concat=range(6, "), "range end"},
		{"input out of range", strings.Replace(valid, "('sep_conv_3x3', 1)", "('sep_conv_3x3', 2)", 1), -1, "input 2 out of range"},
		{"odd entries", strings.Replace(valid, ", ('sep_conv_3x3', 1)", "", 1), -1, "even number"},
		{"concat out of range", strings.Replace(valid, "normal_concat=[2]", "normal_concat=[3]", 1), -1, "concat state 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseGenotype(tc.src)
			if err == nil {
				t.Fatalf("ParseGenotype(%q): no error", tc.src)
			}
			if !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("error %q does not mention %q", err, tc.substr)
			}
			var se *SyntaxError
			isSyntax := errors.As(err, &se)
			switch {
			case tc.offset < 0 && isSyntax:
				t.Errorf("got syntax error %v, want a validation error", err)
			case tc.offset >= 0 && !isSyntax:
				t.Errorf("got %v, want a *SyntaxError", err)
			case tc.offset >= 0 && se.Offset != tc.offset:
				t.Errorf("offset %d, want %d (%v)", se.Offset, tc.offset, err)
			}
		})
	}
}

func TestGenotypeValidate(t *testing.T) {
	ok := Genotype{Normal: []OpInput{{OpSkipConnect, 0}, {OpSepConv3x3, 1}}, NormalConcat: []int{2},
		Reduce: []OpInput{{OpMaxPool3x3, 0}, {OpMaxPool3x3, 1}}, ReduceConcat: []int{2}}
	mod := func(f func(g *Genotype)) Genotype {
		g := Genotype{Normal: append([]OpInput(nil), ok.Normal...), NormalConcat: append([]int(nil), ok.NormalConcat...),
			Reduce: append([]OpInput(nil), ok.Reduce...), ReduceConcat: append([]int(nil), ok.ReduceConcat...)}
		f(&g)
		return g
	}
	for _, tc := range []struct {
		name   string
		g      Genotype
		substr string
	}{
		{"valid", ok, ""},
		{"empty normal", mod(func(g *Genotype) { g.Normal = nil }), "normal cell"},
		{"bad op", mod(func(g *Genotype) { g.Reduce[1].Op = "conv_9x9" }), "unknown operation \"conv_9x9\""},
		{"negative input", mod(func(g *Genotype) { g.Normal[0].Input = -1 }), "input -1 out of range"},
		{"duplicate concat", mod(func(g *Genotype) { g.ReduceConcat = []int{2, 2} }), "listed twice"},
		{"empty concat", mod(func(g *Genotype) { g.NormalConcat = nil }), "empty concat"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.g.Validate()
			if tc.substr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("Validate() = %v, want an error with %q", err, tc.substr)
			}
		})
	}
}

func TestGenotypeLookupErrors(t *testing.T) {
	for _, s := range []string{"", "DARTS_V9", "{not json", `{"normal": 3}`} {
		if _, err := Lookup(s); err == nil {
			t.Errorf("Lookup(%q): no error", s)
		}
	}
	if g, err := Lookup("darts"); err != nil || !g.Equal(mustNamed(t, "DARTS_V2")) {
		t.Errorf("Lookup(darts) = %v, %v; want DARTS_V2", g, err)
	}
}

func mustNamed(t *testing.T, name string) Genotype {
	t.Helper()
	g, err := Named(name)
	if err != nil {
		t.Fatal(err)
	}
	return g
}
