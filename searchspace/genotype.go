package searchspace

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// OpInput is one entry of a DARTS cell genotype: operation Op applied to state Input (0 and 1
// are the cell inputs c_{k-2} and c_{k-1}, 2+i is intermediate node i). In JSON it is the
// two-element array [op, input], as Python's json.dumps writes a tuple.
type OpInput struct {
	Op    string
	Input int
}

// Genotype is a discrete DARTS architecture: a normal and a reduction cell. Each cell lists two
// OpInput entries per intermediate node (entries 2i and 2i+1 feed node i), and the states
// concatenated to form the cell output. It is the value of quark0/darts's namedtuple
// Genotype(normal, normal_concat, reduce, reduce_concat).
type Genotype struct {
	Normal       []OpInput
	NormalConcat []int
	Reduce       []OpInput
	ReduceConcat []int
}

// NormalSteps returns the number of intermediate nodes of the normal cell (len(Normal)/2).
func (g Genotype) NormalSteps() int { return len(g.Normal) / 2 }

// ReduceSteps returns the number of intermediate nodes of the reduction cell.
func (g Genotype) ReduceSteps() int { return len(g.Reduce) / 2 }

// String formats g exactly as Python prints quark0/darts's namedtuple with list concats, e.g.
// Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=[2, 3, 4, 5], reduce=[...],
// reduce_concat=[2, 3, 4, 5]). ParseGenotype reads it back to an equal value.
func (g Genotype) String() string {
	var b strings.Builder
	b.WriteString("Genotype(normal=")
	writeOps(&b, g.Normal)
	b.WriteString(", normal_concat=")
	writeInts(&b, g.NormalConcat)
	b.WriteString(", reduce=")
	writeOps(&b, g.Reduce)
	b.WriteString(", reduce_concat=")
	writeInts(&b, g.ReduceConcat)
	b.WriteString(")")
	return b.String()
}

func writeOps(b *strings.Builder, ops []OpInput) {
	b.WriteByte('[')
	for i, o := range ops {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "('%s', %d)", o.Op, o.Input)
	}
	b.WriteByte(']')
}

func writeInts(b *strings.Builder, xs []int) {
	b.WriteByte('[')
	for i, x := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(x))
	}
	b.WriteByte(']')
}

// Validate checks that g describes buildable cells: each cell has a positive, even number of
// entries, every operation is one of CellOps, entry 2i or 2i+1 reads a state that exists
// before node i (input < 2+i), and the concat lists are non-empty, within the cell's states
// and free of duplicates.
func (g Genotype) Validate() error {
	if err := validateCell(g.Normal, g.NormalConcat); err != nil {
		return fmt.Errorf("genotype: normal cell: %w", err)
	}
	if err := validateCell(g.Reduce, g.ReduceConcat); err != nil {
		return fmt.Errorf("genotype: reduction cell: %w", err)
	}
	return nil
}

func validateCell(ops []OpInput, concat []int) error {
	if len(ops) == 0 || len(ops)%2 != 0 {
		return fmt.Errorf("%d entries: want a positive even number (two per node)", len(ops))
	}
	for k, o := range ops {
		if !IsCellOp(o.Op) {
			return fmt.Errorf("entry %d: unknown operation %q (known: %s)", k, o.Op, strings.Join(CellOps(), ", "))
		}
		node := k / 2
		if o.Input < 0 || o.Input >= 2+node {
			return fmt.Errorf("entry %d (node %d): input %d out of range [0, %d]", k, node, o.Input, 1+node)
		}
	}
	if len(concat) == 0 {
		return fmt.Errorf("empty concat")
	}
	states := 2 + len(ops)/2
	seen := map[int]bool{}
	for _, c := range concat {
		if c < 0 || c >= states {
			return fmt.Errorf("concat state %d out of range [0, %d]", c, states-1)
		}
		if seen[c] {
			return fmt.Errorf("concat state %d listed twice", c)
		}
		seen[c] = true
	}
	return nil
}

// Equal reports whether g and h have the same cells and concat lists.
func (g Genotype) Equal(h Genotype) bool {
	return equalOps(g.Normal, h.Normal) && equalInts(g.NormalConcat, h.NormalConcat) &&
		equalOps(g.Reduce, h.Reduce) && equalInts(g.ReduceConcat, h.ReduceConcat)
}

func equalOps(a, b []OpInput) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// MarshalJSON writes the entry as [op, input].
func (o OpInput) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{o.Op, o.Input})
}

// UnmarshalJSON reads [op, input] (Python's json.dumps of a tuple) or {"op": ..., "input": ...}.
func (o *OpInput) UnmarshalJSON(data []byte) error {
	var arr []json.RawMessage
	if err := json.Unmarshal(data, &arr); err == nil {
		if len(arr) != 2 {
			return fmt.Errorf("genotype entry %s: want [op, input], got %d elements", data, len(arr))
		}
		if err := json.Unmarshal(arr[0], &o.Op); err != nil {
			return fmt.Errorf("genotype entry %s: op: %w", data, err)
		}
		if err := json.Unmarshal(arr[1], &o.Input); err != nil {
			return fmt.Errorf("genotype entry %s: input: %w", data, err)
		}
		return nil
	}
	var obj struct {
		Op    *string `json:"op"`
		Input *int    `json:"input"`
	}
	if err := json.Unmarshal(data, &obj); err != nil {
		return fmt.Errorf("genotype entry %s: want [op, input] or {\"op\", \"input\"}: %w", data, err)
	}
	if obj.Op == nil || obj.Input == nil {
		return fmt.Errorf("genotype entry %s: missing op or input", data)
	}
	o.Op, o.Input = *obj.Op, *obj.Input
	return nil
}

type genotypeJSON struct {
	Normal       []OpInput `json:"normal"`
	NormalConcat []int     `json:"normal_concat"`
	Reduce       []OpInput `json:"reduce"`
	ReduceConcat []int     `json:"reduce_concat"`
}

// MarshalJSON writes g with the field names of quark0/darts's namedtuple, as Python's
// json.dumps(genotype._asdict()) does: {"normal": [["sep_conv_3x3", 0], ...],
// "normal_concat": [2, 3, 4, 5], "reduce": [...], "reduce_concat": [...]}.
func (g Genotype) MarshalJSON() ([]byte, error) {
	return json.Marshal(genotypeJSON(g))
}

// UnmarshalJSON reads the form MarshalJSON writes. It does not validate; ParseGenotypeJSON
// does.
func (g *Genotype) UnmarshalJSON(data []byte) error {
	var j genotypeJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("genotype JSON: %w", err)
	}
	*g = Genotype(j)
	return nil
}

// ParseGenotypeJSON reads a genotype in JSON (see MarshalJSON) and validates it.
func ParseGenotypeJSON(data []byte) (Genotype, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var j genotypeJSON
	if err := dec.Decode(&j); err != nil {
		return Genotype{}, fmt.Errorf("genotype JSON: %w", err)
	}
	g := Genotype(j)
	if err := g.Validate(); err != nil {
		return Genotype{}, err
	}
	return g, nil
}

// Lookup returns the genotype named by s (a name of NamedGenotypes or an alias, matched
// without regard to case), or parses s as quark0/darts text (ParseGenotype) or, when it
// starts with '{', as JSON.
func Lookup(s string) (Genotype, error) {
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return Genotype{}, fmt.Errorf("genotype: empty name or string")
	case strings.HasPrefix(t, "{"):
		return ParseGenotypeJSON([]byte(t))
	case strings.ContainsAny(t, "([="):
		return ParseGenotype(t)
	}
	return Named(t)
}

// Table returns a readable description of g: for each cell and intermediate node, its two
// (operation, input) entries with inputs named c_{k-2}, c_{k-1} or the node number, and the
// concat list.
func (g Genotype) Table() string {
	var b strings.Builder
	for _, c := range []struct {
		name   string
		ops    []OpInput
		concat []int
	}{{"normal", g.Normal, g.NormalConcat}, {"reduce", g.Reduce, g.ReduceConcat}} {
		fmt.Fprintf(&b, "%-7s %-5s %-14s %s\n", "cell", "node", "op", "input")
		for k, o := range c.ops {
			fmt.Fprintf(&b, "%-7s %-5d %-14s %s\n", c.name, k/2, o.Op, stateLabel(o.Input))
		}
		names := make([]string, len(c.concat))
		for i, s := range c.concat {
			names[i] = stateLabel(s)
		}
		fmt.Fprintf(&b, "%-7s concat %s\n\n", c.name, strings.Join(names, ", "))
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// SkipCount returns the number of skip_connect entries in the normal cell (the symptom of
// DARTS's collapse).
func (g Genotype) SkipCount() int { return SkipCount(g.Normal) }
