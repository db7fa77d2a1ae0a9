package ckpt_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dartboard-nas/dartboard/toolkit/ckpt"
)

// A checkpoint records the settings it was made with; resuming with another learning rate is
// refused unless the user overrides it.
func Example() {
	dir, _ := os.MkdirTemp("", "ckpt")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "checkpoint")

	type state struct {
		Step     int
		Settings ckpt.Settings
	}
	if err := ckpt.Save(path, &state{Step: 9, Settings: ckpt.Settings{"lr": "0.025", "seed": "3"}}); err != nil {
		fmt.Println(err)
		return
	}
	var saved state
	if err := ckpt.Load(path, &saved); err != nil {
		fmt.Println(err)
		return
	}
	now := ckpt.Settings{"lr": "0.5", "seed": "3"}
	fmt.Println(ckpt.DiffSettings(saved.Settings, now, nil))

	overrides, _ := ckpt.ParseOverrides([]string{"lr=0.5"})
	fmt.Println(ckpt.DiffSettings(saved.Settings, now, ckpt.OverrideKeys(overrides)))
	// Output:
	// the checkpoint was made with other settings (lr: checkpoint 0.025, this run 0.5)
	// <nil>
}
