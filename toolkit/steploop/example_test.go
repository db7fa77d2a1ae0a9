package steploop_test

import (
	"context"
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/steploop"
)

// run is a run of 2 epochs of 3 steps.
type run struct{ step int }

func (r *run) Done() bool      { return r.step >= 6 }
func (r *run) TakeStep() error { r.step++; return nil }
func (r *run) Step() int       { return r.step }
func (r *run) Epoch() int      { return r.step / 3 }

// Run checkpoints every 2 steps and at each epoch end.
func ExampleRun() {
	r := &run{}
	err := steploop.Run(context.Background(), r, 2, func() error {
		fmt.Print("save@", r.Step(), " ")
		return nil
	})
	fmt.Println(err)
	// Output: save@2 save@3 save@4 save@6 <nil>
}
