package partial

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/network"
)

// Channels is PC-DARTS's supernet: partial channel connections with K (PC-DARTS: 4) and, with
// EdgeNorm, edge normalization. It implements search.SupernetOption.
type Channels struct {
	K        int
	EdgeNorm bool
}

// New returns PC-DARTS's settings: K 4 and edge normalization (its model_search.py).
func New() Channels { return Channels{K: 4, EdgeNorm: true} }

// Check reports a K below 1 (the channels of every cell must also be divisible by K: the
// supernet build says which are not).
func (c Channels) Check() error {
	if c.K < 1 {
		return fmt.Errorf("partial: K %d: want at least 1", c.K)
	}
	return nil
}

// Configure builds every mixed edge with network.PartialEdges(K) and sets edge normalization.
func (c Channels) Configure(cfg *network.Config) {
	cfg.Edge = network.PartialEdges(c.K)
	cfg.EdgeNorm = c.EdgeNorm
}

// SetExtras sets nothing: partial channels add no input.
func (Channels) SetExtras(int, int, *network.Extras) {}

// String describes the option for meta data.
func (c Channels) String() string {
	return fmt.Sprintf("partial-channels(K=%d, edge-norm=%v)", c.K, c.EdgeNorm)
}
