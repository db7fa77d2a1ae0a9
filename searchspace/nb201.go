package searchspace

import (
	"fmt"
	"strconv"
	"strings"
)

// NB201Nodes is the number of nodes of a NAS-Bench-201 cell (node 0 is the input, node 3 the
// output) and NB201Edges its number of edges.
const (
	NB201Nodes = 4
	NB201Edges = 6
)

// NB201Ops returns the five NAS-Bench-201 operations in the benchmark's order, the column
// order of α in that space.
func NB201Ops() []string {
	return []string{OpNone, OpSkipConnect, OpNorConv1x1, OpNorConv3x3, OpAvgPool3x3}
}

// NB201Arch is a NAS-Bench-201 cell: Ops[e] is the operation of edge e, edges ordered as in
// the benchmark's arch string: 1←0, 2←0, 2←1, 3←0, 3←1, 3←2 (see NB201Edge).
type NB201Arch struct {
	Ops [NB201Edges]string
}

// NB201Edge returns the (to, from) nodes of edge e of the NAS-Bench-201 cell.
func NB201Edge(e int) (to, from int) {
	for i := 1; i < NB201Nodes; i++ {
		if e < i {
			return i, e
		}
		e -= i
	}
	return -1, -1
}

// String formats the arch as NAS-Bench-201 does:
// |nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|.
func (a NB201Arch) String() string {
	var b strings.Builder
	e := 0
	for i := 1; i < NB201Nodes; i++ {
		if i > 1 {
			b.WriteByte('+')
		}
		b.WriteByte('|')
		for j := 0; j < i; j++ {
			fmt.Fprintf(&b, "%s~%d|", a.Ops[e], j)
			e++
		}
	}
	return b.String()
}

// ParseNB201 reads a NAS-Bench-201 arch string (see NB201Arch.String). It checks the node
// groups, the input index of every edge (the j-th edge of a node must read node j) and the
// operation names; errors name the byte offset.
func ParseNB201(s string) (NB201Arch, error) {
	var a NB201Arch
	groups := strings.Split(s, "+")
	if len(groups) != NB201Nodes-1 {
		return a, fmt.Errorf("nas-bench-201 arch %q: %d node groups separated by '+', want %d", s, len(groups), NB201Nodes-1)
	}
	off, e := 0, 0
	for gi, grp := range groups {
		node := gi + 1
		if len(grp) < 2 || grp[0] != '|' || grp[len(grp)-1] != '|' {
			return a, fmt.Errorf("nas-bench-201 arch: byte %d: expected a group |op~j|...| for node %d, found %q", off, node, grp)
		}
		items := strings.Split(grp[1:len(grp)-1], "|")
		if len(items) != node {
			return a, fmt.Errorf("nas-bench-201 arch: byte %d: node %d has %d edges, want %d", off, node, len(items), node)
		}
		pos := off + 1
		for j, it := range items {
			op, idx, ok := strings.Cut(it, "~")
			if !ok {
				return a, fmt.Errorf("nas-bench-201 arch: byte %d: expected op~input, found %q", pos, it)
			}
			if !isNB201Op(op) {
				return a, fmt.Errorf("nas-bench-201 arch: byte %d: unknown operation %q (known: %s)", pos, op, strings.Join(NB201Ops(), ", "))
			}
			in, err := strconv.Atoi(idx)
			if err != nil || in != j {
				return a, fmt.Errorf("nas-bench-201 arch: byte %d: edge %d of node %d must read node %d, found %q", pos+len(op)+1, j, node, j, idx)
			}
			a.Ops[e] = op
			e++
			pos += len(it) + 1
		}
		off += len(grp) + 1
	}
	return a, nil
}

func isNB201Op(op string) bool {
	for _, o := range NB201Ops() {
		if o == op {
			return true
		}
	}
	return false
}

// NB201Count is the number of cells of the NAS-Bench-201 space, 5^6 = 15625.
const NB201Count = 15625

// Ordinal returns the position of a in the enumeration of all NB201Count cells in which edge
// 0 varies slowest and operations follow NB201Ops order. It is a bijection onto
// [0, NB201Count), not the benchmark's own index (which follows the benchmark's files).
func (a NB201Arch) Ordinal() (int, error) {
	n := 0
	for e, op := range a.Ops {
		k := -1
		for i, o := range NB201Ops() {
			if o == op {
				k = i
			}
		}
		if k < 0 {
			return 0, fmt.Errorf("nas-bench-201 arch: edge %d: unknown operation %q", e, op)
		}
		n = n*len(NB201Ops()) + k
	}
	return n, nil
}

// NB201FromOrdinal is the inverse of NB201Arch.Ordinal.
func NB201FromOrdinal(n int) (NB201Arch, error) {
	var a NB201Arch
	if n < 0 || n >= NB201Count {
		return a, fmt.Errorf("nas-bench-201 ordinal %d out of range [0, %d)", n, NB201Count)
	}
	ops := NB201Ops()
	for e := NB201Edges - 1; e >= 0; e-- {
		a.Ops[e] = ops[n%len(ops)]
		n /= len(ops)
	}
	return a, nil
}

// DeriveNB201 returns the argmax operation of each edge (ties to the lower column, none
// included: in NAS-Bench-201 none is a legitimate choice). weights has one row per edge in
// NB201Edge order and one column per NB201Ops operation.
func DeriveNB201(weights [][]float64) (NB201Arch, error) {
	var a NB201Arch
	if len(weights) != NB201Edges {
		return a, fmt.Errorf("derive nas-bench-201: %d rows, want %d edges", len(weights), NB201Edges)
	}
	ops := NB201Ops()
	for e, row := range weights {
		if len(row) != len(ops) {
			return a, fmt.Errorf("derive nas-bench-201: row %d has %d columns, want %d operations", e, len(row), len(ops))
		}
		k, err := argmax(row)
		if err != nil {
			return a, fmt.Errorf("derive nas-bench-201: edge %d: %w", e, err)
		}
		a.Ops[e] = ops[k]
	}
	return a, nil
}

// argmax returns the index of the largest value, the first on ties; an error on an empty row
// or a NaN.
func argmax(row []float64) (int, error) {
	if len(row) == 0 {
		return 0, fmt.Errorf("empty row")
	}
	best := 0
	for k, x := range row {
		if x != x {
			return 0, fmt.Errorf("NaN at column %d", k)
		}
		if x > row[best] {
			best = k
		}
	}
	return best, nil
}
