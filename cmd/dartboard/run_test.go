package main

import (
	"testing"
	"time"
)

func TestETA(t *testing.T) {
	var e eta
	t0 := time.Unix(1000, 0)
	// Resumed at step 11 of 20: the first step seen counts from itself.
	if done, left := e.update(t0, 11, 20); done != 1 || left != 0 {
		// The rate of the first step is unknown (no time passed).
		t.Fatalf("first update: done %d, left %s", done, left)
	}
	// 3 steps (11–13) in 4 s: 7 steps left at 4/3 s each, 9.33 s, whole seconds kept.
	done, left := e.update(t0.Add(4*time.Second), 13, 20)
	if done != 3 || left != 9*time.Second {
		t.Fatalf("done %d, left %s", done, left)
	}
}
