package opdrop

import (
	"fmt"
	"math"
	"testing"
)

func TestSchedule(t *testing.T) {
	s := NewSchedule(0.4, 25, 10)
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		epoch int
		want  float64
	}{
		{0, 0.4 * 24 / 25}, {9, 0.4 * 15 / 25}, {10, 0.4}, {11, 0.4 * math.Exp(-0.2)}, {24, 0.4 * math.Exp(-2.8)},
	}
	for _, c := range cases {
		if got := s.Rate(c.epoch); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("epoch %d: %g, want %g", c.epoch, got, c.want)
		}
	}
	if (Schedule{Initial: 1, Epochs: 1}).Check() == nil || (Schedule{Initial: 0.1, Epochs: -1}).Check() == nil || (Schedule{Initial: 0.1, Warmup: -1}).Check() == nil {
		t.Error("bad schedules accepted")
	}
	if err := (Schedule{Initial: 0.1}).Check(); err != nil {
		t.Errorf("Epochs 0 (the search's) rejected: %v", err)
	}
	if !Applies("skip_connect") || Applies("max_pool_3x3") {
		t.Error("Applies")
	}
}

func ExampleSchedule() {
	s := NewSchedule(0.7, 25, 10) // P-DARTS's last CIFAR-10 stage
	for _, e := range []int{0, 9, 10, 15, 24} {
		fmt.Printf("epoch %2d: %.3f\n", e, s.Rate(e))
	}
	// Output:
	// epoch  0: 0.672
	// epoch  9: 0.420
	// epoch 10: 0.700
	// epoch 15: 0.258
	// epoch 24: 0.043
}
