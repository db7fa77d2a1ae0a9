package auxskip

import (
	"fmt"
	"testing"
)

func TestSchedule(t *testing.T) {
	s := New(50)
	for _, c := range []struct {
		epoch int
		want  float64
	}{{0, 1}, {25, 0.5}, {49, 0.02}, {50, 0}, {60, 0}} {
		if got := s.Beta(c.epoch); got != c.want {
			t.Errorf("β(%d) = %g, want %g", c.epoch, got, c.want)
		}
	}
	if (Schedule{Start: 1, Epochs: -1}).Check() == nil || (Schedule{Start: -1}).Check() == nil {
		t.Error("negative epochs or start accepted")
	}
	if err := (Schedule{Start: 1}).Check(); err != nil {
		t.Errorf("Epochs 0 (the search's) rejected: %v", err)
	}
}

func ExampleSchedule() {
	s := New(4)
	for e := 0; e < 4; e++ {
		fmt.Print(s.Beta(e), " ")
	}
	fmt.Println()
	// Output: 1 0.75 0.5 0.25
}
