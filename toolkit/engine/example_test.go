package engine_test

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/toolkit/backend"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// A program of two calls: y = x1 + x2 (a Sum module), then the classifier head's loss. The
// backward pass chains the two modules' executables in Go.
func ExampleEngine_Forward() {
	b := backend.MustNew("")
	defer b.Finalize()
	e := engine.New(b)
	defer e.Finalize()

	prog := &engine.Program{}
	x1, x2, labels := prog.NewSlot("x1"), prog.NewSlot("x2"), prog.NewSlot("labels")
	y := prog.Call(nn.Sum(2), "sum", []int{x1, x2}, nil, 1)[0]
	head := nn.Head(2, 2)
	params := make([]*nn.Param, len(head.Params))
	for i, s := range head.Params {
		params[i] = &nn.Param{Name: s.Name, Spec: s, Data: make([]float32, s.Size())}
	}
	params[0].Data = []float32{1, 0, 0, 1} // identity classifier, zero bias
	out := prog.Call(head, "head", []int{y, labels}, params, 2)

	// Images [batch 1, 1×1, 2 channels].
	in := map[int]*tensors.Tensor{
		x1:     tensors.FromFlatDataAndDimensions([]float32{1, 0}, 1, 1, 1, 2),
		x2:     tensors.FromFlatDataAndDimensions([]float32{1, 0}, 1, 1, 1, 2),
		labels: tensors.FromFlatDataAndDimensions([]int32{0}, 1),
	}
	pass, err := e.Forward(prog, in, true)
	if err != nil {
		panic(err)
	}
	defer pass.Release()
	loss, _ := pass.Scalar(out[0])
	correct, _ := pass.Scalar(out[1])
	g, err := pass.Backward(map[int]float32{out[0]: 1}, false, []int{x1})
	if err != nil {
		panic(err)
	}
	defer g.Release()
	gx, _ := g.HostSlots([]int{x1}, []int{2})
	fmt.Printf("loss %.4f, correct %.0f, dloss/dx1 %.4f\n", loss, correct, gx[0])
	// Output: loss 0.1269, correct 1, dloss/dx1 [-0.1192 0.1192]
}
