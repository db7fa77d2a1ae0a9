package searchspace

import (
	"fmt"
	"strconv"
	"strings"
)

// SyntaxError is the error of ParseGenotype on malformed text: Offset is the byte offset in
// the input where the parser stopped, Expected what it wanted there and Found what it saw.
type SyntaxError struct {
	Offset   int
	Expected string
	Found    string
}

// Error returns "genotype: byte OFFSET: expected X, found Y".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("genotype: byte %d: expected %s, found %s", e.Offset, e.Expected, e.Found)
}

// ParseGenotype reads a genotype in the text form of quark0/darts: Python's repr of the
// namedtuple, as printed by train_search.py and written in genotypes.py:
//
//	Genotype(normal=[('sep_conv_3x3', 1), ...], normal_concat=range(2, 6), reduce=[...], reduce_concat=[2, 3, 4, 5])
//
// Concat lists may be range(a, b) or a list of integers. Strings may use single or double
// quotes; whitespace, newlines, trailing commas and '#' comments are allowed, as is a leading
// assignment "NAME = " (a line pasted from genotypes.py). The fields must be given by keyword,
// each once, in any order. Malformed text gives a *SyntaxError with the byte offset; a
// well-formed genotype that does not validate (unknown operation, input out of range) gives
// the error of Validate.
func ParseGenotype(s string) (Genotype, error) {
	p := &parser{s: s}
	g, err := p.genotype()
	if err != nil {
		return Genotype{}, err
	}
	if err := g.Validate(); err != nil {
		return Genotype{}, err
	}
	return g, nil
}

// maxRange bounds the length of a range(a, b) concat, so that a typo cannot allocate much.
const maxRange = 1024

type parser struct {
	s   string
	pos int
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
		case c == '#':
			for p.pos < len(p.s) && p.s[p.pos] != '\n' {
				p.pos++
			}
		default:
			return
		}
	}
}

// found describes the text at the current position for an error message.
func (p *parser) found() string {
	if p.pos >= len(p.s) {
		return "end of input"
	}
	rest := p.s[p.pos:]
	if len(rest) > 12 {
		rest = rest[:12] + "…"
	}
	return strconv.Quote(rest)
}

func (p *parser) errorf(expected string) error {
	return &SyntaxError{Offset: p.pos, Expected: expected, Found: p.found()}
}

func (p *parser) expect(c byte, what string) error {
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == c {
		p.pos++
		return nil
	}
	return p.errorf(what)
}

// peek reports whether the next non-space byte is c, without consuming it.
func (p *parser) peek(c byte) bool {
	p.skipSpace()
	return p.pos < len(p.s) && p.s[p.pos] == c
}

func isIdentByte(c byte, first bool) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9')
}

func (p *parser) ident() (string, int, bool) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.s) && isIdentByte(p.s[p.pos], p.pos == start) {
		p.pos++
	}
	return p.s[start:p.pos], start, p.pos > start
}

func (p *parser) integer() (int, error) {
	p.skipSpace()
	start := p.pos
	if p.pos < len(p.s) && p.s[p.pos] == '-' {
		p.pos++
	}
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	v, err := strconv.Atoi(p.s[start:p.pos])
	if err != nil {
		p.pos = start
		return 0, p.errorf("an integer")
	}
	return v, nil
}

func (p *parser) str() (string, error) {
	p.skipSpace()
	if p.pos >= len(p.s) || (p.s[p.pos] != '\'' && p.s[p.pos] != '"') {
		return "", p.errorf("a quoted operation name")
	}
	q := p.s[p.pos]
	start := p.pos
	p.pos++
	end := strings.IndexByte(p.s[p.pos:], q)
	if end < 0 {
		p.pos = start
		return "", &SyntaxError{Offset: start, Expected: "a closing " + string(q), Found: "an unterminated string"}
	}
	v := p.s[p.pos : p.pos+end]
	p.pos += end + 1
	return v, nil
}

func (p *parser) genotype() (Genotype, error) {
	var g Genotype
	name, start, ok := p.ident()
	if !ok {
		return g, p.errorf("Genotype(")
	}
	if name != "Genotype" {
		// Allow "NAME = Genotype(...)".
		if !p.peek('=') {
			p.pos = start
			return g, p.errorf("Genotype(")
		}
		p.pos++
		if name, _, ok = p.ident(); !ok || name != "Genotype" {
			p.pos -= len(name)
			return g, p.errorf("Genotype(")
		}
	}
	if err := p.expect('(', "'(' after Genotype"); err != nil {
		return g, err
	}
	seen := map[string]bool{}
	for {
		if p.peek(')') {
			p.pos++
			break
		}
		field, fstart, ok := p.ident()
		if !ok {
			return g, p.errorf("a field name (normal, normal_concat, reduce, reduce_concat) or ')'")
		}
		if seen[field] {
			p.pos = fstart
			return g, p.errorf(fmt.Sprintf("a field other than %s (already given)", field))
		}
		if err := p.expect('=', "'=' after "+field); err != nil {
			return g, err
		}
		var err error
		switch field {
		case "normal":
			g.Normal, err = p.opList()
		case "reduce":
			g.Reduce, err = p.opList()
		case "normal_concat":
			g.NormalConcat, err = p.concat()
		case "reduce_concat":
			g.ReduceConcat, err = p.concat()
		default:
			p.pos = fstart
			return g, p.errorf("a field name (normal, normal_concat, reduce, reduce_concat)")
		}
		if err != nil {
			return g, err
		}
		seen[field] = true
		if p.peek(',') {
			p.pos++
			continue
		}
		if err := p.expect(')', "',' or ')' closing Genotype("); err != nil {
			return g, err
		}
		break
	}
	for _, f := range []string{"normal", "normal_concat", "reduce", "reduce_concat"} {
		if !seen[f] {
			return g, &SyntaxError{Offset: p.pos, Expected: "field " + f, Found: "no such field in Genotype(...)"}
		}
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return g, p.errorf("end of input after Genotype(...)")
	}
	return g, nil
}

func (p *parser) opList() ([]OpInput, error) {
	if err := p.expect('[', "'[' opening a list of (op, input) pairs"); err != nil {
		return nil, err
	}
	var ops []OpInput
	for {
		if p.peek(']') {
			p.pos++
			return ops, nil
		}
		if err := p.expect('(', "'(' opening an (op, input) pair or ']'"); err != nil {
			return nil, err
		}
		opStart := p.pos
		op, err := p.str()
		if err != nil {
			return nil, err
		}
		if !IsCellOp(op) {
			return nil, &SyntaxError{Offset: opStart, Expected: "an operation name (" + strings.Join(CellOps(), ", ") + ")", Found: strconv.Quote(op)}
		}
		if err := p.expect(',', "',' after the operation name"); err != nil {
			return nil, err
		}
		in, err := p.integer()
		if err != nil {
			return nil, err
		}
		if p.peek(',') {
			p.pos++
		}
		if err := p.expect(')', "')' closing the (op, input) pair"); err != nil {
			return nil, err
		}
		ops = append(ops, OpInput{Op: op, Input: in})
		if p.peek(',') {
			p.pos++
			continue
		}
		if err := p.expect(']', "',' or ']' closing the list"); err != nil {
			return nil, err
		}
		return ops, nil
	}
}

func (p *parser) concat() ([]int, error) {
	p.skipSpace()
	if p.peek('[') {
		p.pos++
		var xs []int
		for {
			if p.peek(']') {
				p.pos++
				return xs, nil
			}
			x, err := p.integer()
			if err != nil {
				return nil, err
			}
			xs = append(xs, x)
			if p.peek(',') {
				p.pos++
				continue
			}
			if err := p.expect(']', "',' or ']' closing the concat list"); err != nil {
				return nil, err
			}
			return xs, nil
		}
	}
	name, start, ok := p.ident()
	if !ok || name != "range" {
		p.pos = start
		return nil, p.errorf("a concat: range(a, b) or [a, b, ...]")
	}
	if err := p.expect('(', "'(' after range"); err != nil {
		return nil, err
	}
	a, err := p.integer()
	if err != nil {
		return nil, err
	}
	if err := p.expect(',', "',' between the range bounds"); err != nil {
		return nil, err
	}
	p.skipSpace()
	bStart := p.pos
	b, err := p.integer()
	if err != nil {
		return nil, err
	}
	if err := p.expect(')', "')' closing range("); err != nil {
		return nil, err
	}
	if b <= a || b-a > maxRange {
		return nil, &SyntaxError{Offset: bStart, Expected: fmt.Sprintf("a range end in (%d, %d]", a, a+maxRange), Found: strconv.Itoa(b)}
	}
	xs := make([]int, 0, b-a)
	for i := a; i < b; i++ {
		xs = append(xs, i)
	}
	return xs, nil
}
