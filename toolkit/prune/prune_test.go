package prune

import (
	"reflect"
	"testing"
)

func allTrue(groups, edges, ops int) [][][]bool {
	m := make([][][]bool, groups)
	for g := range m {
		m[g] = make([][]bool, edges)
		for e := range m[g] {
			m[g][e] = make([]bool, ops)
			for k := range m[g][e] {
				m[g][e][k] = true
			}
		}
	}
	return m
}

func TestTopKDropsTheWeakestEveryEEpochs(t *testing.T) {
	ex := [][][]float32{{{0.1, 0.5, 0.2, 0.2}, {0.4, 0.3, 0.2, 0.1}}}
	p := TopK{Every: 2, Drop: 2}
	if p.Prune(0, ex, allTrue(1, 2, 4)) != nil {
		t.Fatal("pruned at epoch 0 with Every 2")
	}
	got := p.Prune(1, ex, allTrue(1, 2, 4))
	want := [][][]bool{{{false, true, true, false}, {true, true, false, false}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("epoch 1: %v, want %v (ties keep the lower column)", got, want)
	}
	// Next round: 2 alive, Drop 2, Min 1: one stays, the strongest alive.
	got = p.Prune(3, ex, got)
	want = [][][]bool{{{false, true, false, false}, {true, false, false, false}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("epoch 3: %v, want %v", got, want)
	}
	if (TopK{}).Check() == nil {
		t.Error("zero TopK passes Check")
	}
}

func TestThresholdKeepsTheStrongest(t *testing.T) {
	ex := [][][]float32{{{0.05, 0.9, 0.05}, {0.01, 0.02, 0.03}}}
	got := Threshold{Tau: 0.1}.Prune(0, ex, allTrue(1, 2, 3))
	want := [][][]bool{{{false, true, false}, {false, false, true}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%v, want %v", got, want)
	}
	if (Threshold{Tau: 0.01}).Prune(0, [][][]float32{{{0.5, 0.5}}}, allTrue(1, 1, 2)) != nil {
		t.Error("nothing under τ, yet a change")
	}
	if (Threshold{Tau: 1.5}).Check() == nil {
		t.Error("τ 1.5 passes Check")
	}
}
