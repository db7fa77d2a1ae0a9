package main

import (
	"testing"
	"time"
)

func TestETA(t *testing.T) {
	var e eta
	t0 := time.Unix(1000, 0)
	// Resumed at step 11 of 20, whose step took 2 s: the rate of the first step seen is its own.
	if done, left := e.update(t0, 11, 20, 2*time.Second); done != 1 || left != 18*time.Second {
		t.Fatalf("first update: done %d, left %s", done, left)
	}
	// 3 steps (11–13) in 2 + 4 s: 7 steps left at 2 s each.
	done, left := e.update(t0.Add(4*time.Second), 13, 20, time.Second)
	if done != 3 || left != 14*time.Second {
		t.Fatalf("done %d, left %s", done, left)
	}
	// A first step of unknown duration: the ETA is unknown, not 0 s.
	var u eta
	if _, left := u.update(t0, 1, 20, 0); left >= 0 || etaString(left) != "?" {
		t.Fatalf("unknown first step: left %s (%q)", left, etaString(left))
	}
	if etaString(1500*time.Millisecond) != "2s" {
		t.Errorf("etaString(1.5 s) = %q", etaString(1500*time.Millisecond))
	}
}
