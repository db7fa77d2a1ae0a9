package steploop

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// counter is a run of epochs×perEpoch steps that may stop early after stopAt steps.
type counter struct {
	step, epoch, perEpoch, epochs, stopAt int
	failAt                                int
	cancel                                func()
	cancelAt                              int
}

func (c *counter) Done() bool {
	return c.epoch >= c.epochs || (c.stopAt > 0 && c.step >= c.stopAt)
}

func (c *counter) TakeStep() error {
	if c.failAt > 0 && c.step+1 == c.failAt {
		return fmt.Errorf("step %d failed", c.failAt)
	}
	c.step++
	if c.step%c.perEpoch == 0 {
		c.epoch++
	}
	if c.cancel != nil && c.step == c.cancelAt {
		c.cancel()
	}
	return nil
}

func (c *counter) Step() int  { return c.step }
func (c *counter) Epoch() int { return c.epoch }

func TestRunSavesOnCadenceEpochEndsAndStop(t *testing.T) {
	for _, tc := range []struct {
		name  string
		c     counter
		every int
		want  []int
	}{
		{"epoch ends only", counter{perEpoch: 3, epochs: 2}, 0, []int{3, 6}},
		{"every 2", counter{perEpoch: 3, epochs: 2}, 2, []int{2, 3, 4, 6}},
		{"stopped early mid-epoch", counter{perEpoch: 3, epochs: 3, stopAt: 4}, 0, []int{3, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var saved []int
			c := tc.c
			if err := Run(context.Background(), &c, tc.every, func() error { saved = append(saved, c.step); return nil }); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(saved) != fmt.Sprint(tc.want) {
				t.Errorf("saved after steps %v, want %v", saved, tc.want)
			}
			if err := RunEpoch(&c); err == nil {
				t.Error("RunEpoch on a finished run: no error")
			}
		})
	}
}

func TestRunStopsOnCancelAndError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &counter{perEpoch: 5, epochs: 2, cancel: cancel, cancelAt: 2}
	if err := Run(ctx, c, 0, nil); !errors.Is(err, context.Canceled) || c.step != 2 {
		t.Errorf("cancel: err %v after step %d, want context.Canceled after step 2", err, c.step)
	}
	c = &counter{perEpoch: 5, epochs: 2, failAt: 3}
	saves := 0
	err := Run(context.Background(), c, 1, func() error { saves++; return nil })
	if err == nil || c.step != 2 || saves != 2 {
		t.Errorf("failing step: err %v, step %d, %d saves; want an error after 2 steps and 2 saves", err, c.step, saves)
	}
	boom := errors.New("disk full")
	c = &counter{perEpoch: 5, epochs: 2}
	if err := Run(context.Background(), c, 1, func() error { return boom }); !errors.Is(err, boom) || c.step != 1 {
		t.Errorf("failing save: err %v after step %d", err, c.step)
	}
}

func TestRunEpoch(t *testing.T) {
	c := &counter{perEpoch: 4, epochs: 2}
	if err := c.TakeStep(); err != nil {
		t.Fatal(err)
	}
	if err := RunEpoch(c); err != nil || c.step != 4 || c.epoch != 1 {
		t.Fatalf("RunEpoch from step 1: err %v, step %d, epoch %d; want step 4, epoch 1", err, c.step, c.epoch)
	}
}
