package network

import (
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
)

// The derived network built by the toolkit has exactly the parameter count that searchspace
// computes analytically (the open anchor: DARTS_V2, 36 channels, 20 cells: 3,349,342).
func TestDerivedParamCountMatchesSearchspace(t *testing.T) {
	cases := []struct {
		name      string
		c, layers int
		aux       bool
		classes   int
	}{
		{"DARTS_V2", 36, 20, false, 10},
		{"DARTS_V2", 36, 20, true, 10},
		{"DARTS_V1", 16, 8, false, 100},
		{"PC_DARTS", 36, 20, false, 10},
		{"PDARTS", 36, 20, true, 10},
		{"NASNet", 36, 20, false, 10},
		{"AmoebaNet", 36, 20, false, 10},
	}
	for _, tc := range cases {
		g, err := searchspace.Named(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		net, err := Derived(g, DerivedConfig{Config: Config{C: tc.c, Layers: tc.layers, Classes: tc.classes, InChannels: 3}, Auxiliary: tc.aux})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want, _, err := searchspace.Size(g, searchspace.NetConfig{Channels: tc.c, Layers: tc.layers, Classes: tc.classes, Auxiliary: tc.aux})
		if err != nil {
			t.Fatal(err)
		}
		if got := net.Params.Count(); got != want {
			t.Errorf("%s C%d L%d aux=%v: toolkit builds %d parameters, searchspace counts %d", tc.name, tc.c, tc.layers, tc.aux, got, want)
		}
		if tc.name == "DARTS_V2" && !tc.aux && net.Params.Count() != 3349342 {
			t.Errorf("DARTS_V2: %d parameters, the published network has 3349342", net.Params.Count())
		}
	}
}
