package search

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// The non-finite loss message counts steps and epochs from 1, as the progress lines do.
func TestNaNMessageCountsFromOne(t *testing.T) {
	e := testEngine(t)
	train, valid := tinyData(t, 48)
	s, err := New(e, tinyConfig(1), train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := s.Net.Params[0]
	p.Data[0] = float32(math.NaN())
	p.Touch()
	err = s.TakeStep()
	if !errors.Is(err, ErrNonFinite) || !strings.Contains(err.Error(), "at step 1 (epoch 1)") {
		t.Fatalf("first step: %v", err)
	}
}
