package engine_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/toolkit/backend"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// BenchmarkEdgeOp measures a forward and backward (weights included) pass of a one-operation
// supernet edge, followed by the classifier head, at the first stage of the canonical DARTS
// search network (batch 64, 32×32, 16 channels), for each operation and depthwise form:
//
//	go test ./toolkit/engine -run '^$' -bench EdgeOp -benchtime 5x
func BenchmarkEdgeOp(b *testing.B) {
	be, err := backend.New("")
	if err != nil {
		b.Skip(err)
	}
	defer be.Finalize()
	e := engine.New(be)
	defer e.Finalize()
	const batch, size, c = 64, 32, 16
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, batch*size*size*c)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	modes := map[string]nn.DepthwiseMode{"dense": nn.DepthwiseDense, "shift": nn.DepthwiseShift}
	for _, mode := range []string{"dense", "shift"} {
		for _, op := range []string{"max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"} {
			b.Run(fmt.Sprintf("%s/%s", op, mode), func(b *testing.B) {
				m, err := nn.MixedEdge([]string{op}, c, 1, modes[mode])
				if err != nil {
					b.Fatal(err)
				}
				prog := &engine.Program{}
				xs, ws, ls := prog.NewSlot("x"), prog.NewSlot("w"), prog.NewSlot("labels")
				newParams := func(specs []nn.ParamSpec) []*nn.Param {
					ps := make([]*nn.Param, len(specs))
					for i, s := range specs {
						ps[i] = nn.NewParam(s.Name, s, rng)
					}
					return ps
				}
				y := prog.Call(m, "edge", []int{xs, ws}, newParams(m.Params), 1)[0]
				head := nn.Head(c, 10)
				loss := prog.Call(head, "head", []int{y, ls}, newParams(head.Params), 2)[0]
				in := map[int]*tensors.Tensor{
					xs: tensors.FromFlatDataAndDimensions(x, batch, size, size, c),
					ws: tensors.FromFlatDataAndDimensions([]float32{1}, 1),
					ls: tensors.FromFlatDataAndDimensions(make([]int32, batch), batch),
				}
				step := func() {
					p, err := e.Forward(prog, in, true)
					if err != nil {
						b.Fatal(err)
					}
					g, err := p.Backward(map[int]float32{loss: 1}, true, nil)
					if err != nil {
						b.Fatal(err)
					}
					g.Release()
					p.Release()
				}
				step() // compile
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					step()
				}
			})
		}
	}
}
