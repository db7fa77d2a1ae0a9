package backend_test

import (
	"errors"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/toolkit/backend"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// emptyPluginDir points the plugin search at a new empty directory and returns it.
func emptyPluginDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", dir)
	t.Setenv(backend.EnvPluginDir, "")
	t.Setenv(backend.EnvBackend, "")
	return dir
}

func TestResolveEmptyPluginDir(t *testing.T) {
	dir := emptyPluginDir(t)
	want := filepath.Join(dir, backend.CPUPluginFile)
	_, _, err := backend.Resolve("cpu")
	var nf *backend.NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("Resolve(cpu) with an empty plugin dir: got %v, want a *NotFoundError", err)
	}
	msg := err.Error()
	for _, s := range []string{want, backend.SetupCommand, "scripts/setup.sh"} {
		if !strings.Contains(msg, s) {
			t.Errorf("error %q does not name %q", msg, s)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error %q spans several lines, want one", msg)
	}

	// New says the same, and never panics or downloads.
	b, err := backend.New("cpu")
	if b != nil || !backend.IsNotFound(err) {
		t.Fatalf("New(cpu) with an empty plugin dir: got (%v, %v), want a not-found error", b, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("New error %q does not name %q", err, want)
	}

	// Auto only looks for CUDA when a GPU is visible: without one it fails like "cpu".
	if !hasGPU() {
		if _, _, err := backend.Resolve(""); !backend.IsNotFound(err) || !strings.Contains(err.Error(), want) {
			t.Errorf("Resolve(\"\") with an empty plugin dir: got %v, want a not-found error naming %s", err, want)
		}
	}
}

func TestResolveFindsPluginInDir(t *testing.T) {
	dir := emptyPluginDir(t)
	p := filepath.Join(dir, backend.CPUPluginFile)
	if err := os.WriteFile(p, []byte("not really a plugin"), 0o644); err != nil {
		t.Fatal(err)
	}
	kind, path, err := backend.Resolve("xla:cpu")
	if err != nil || kind != "cpu" || path != p {
		t.Fatalf("Resolve(xla:cpu) = (%q, %q, %v), want (cpu, %q, nil)", kind, path, err, p)
	}
	// A plugin given by path is taken as it is.
	kind, path, err = backend.Resolve(p)
	if err != nil || kind != "cpu" || path != p {
		t.Fatalf("Resolve(%q) = (%q, %q, %v), want (cpu, same path, nil)", p, kind, path, err)
	}
}

func TestResolveBadSpec(t *testing.T) {
	emptyPluginDir(t)
	for _, spec := range []string{"tpu", "xla:metal", "cpu2"} {
		_, _, err := backend.Resolve(spec)
		if err == nil {
			t.Errorf("Resolve(%q): got no error", spec)
			continue
		}
		if backend.IsNotFound(err) {
			t.Errorf("Resolve(%q): got a not-found error %q, want an unknown-backend error", spec, err)
		}
		if !strings.Contains(err.Error(), spec) && !strings.Contains(err.Error(), strings.TrimPrefix(spec, "xla:")) {
			t.Errorf("Resolve(%q): error %q does not name the spec", spec, err)
		}
		if b, err := backend.New(spec); b != nil || err == nil {
			t.Errorf("New(%q): got (%v, %v), want an error", spec, b, err)
		}
	}
	// A plugin path that does not exist is a not-found error naming that path.
	missing := filepath.Join(t.TempDir(), "nope", "pjrt_c_api_cpu_plugin.so")
	_, _, err := backend.Resolve(missing)
	if !backend.IsNotFound(err) || !strings.Contains(err.Error(), missing) {
		t.Errorf("Resolve(%q): got %v, want a not-found error naming the path", missing, err)
	}
}

func hasGPU() bool {
	for _, p := range []string{"/dev/nvidiactl", "/dev/nvidia0"} {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

// openBackend opens the default backend, or skips the test when no plugin is installed and
// DARTBOARD_REQUIRE_BACKEND is not set (scripts/test.sh sets it, so CI fails instead).
func openBackend(t *testing.T) *backend.Backend {
	t.Helper()
	b, err := backend.New("")
	if err != nil {
		if backend.IsNotFound(err) && os.Getenv("DARTBOARD_REQUIRE_BACKEND") == "" {
			t.Skipf("no XLA plugin installed (run %s): %v", backend.SetupCommand, err)
		}
		t.Fatalf("backend.New: %v", err)
	}
	t.Cleanup(b.Finalize)
	return b
}

// Shapes of the tiny convnet of TestRealBackendTrainsConvNet.
const (
	batch, size, inCh, ch, classes = 16, 8, 3, 8, 2
)

// weightShapes are the shapes of the trainable weights, in the order the step takes them:
// conv 3×3 (inCh→ch), depthwise 3×3 (ch), batch norm scale and offset, dense (ch→classes), bias.
var weightShapes = [][]int{
	{3, 3, inCh, ch},
	{3, 3, 1, ch},
	{ch},
	{ch},
	{ch, classes},
	{classes},
}

// convNetLoss is the forward pass and cross-entropy loss of a tiny network that uses every op
// kind a DARTS cell needs: convolution, depthwise convolution (grouped Convolve), batch norm
// written with plain ops, ReLU, max and average pooling, slicing and concatenation.
func convNetLoss(x, onehot *Node, w []*Node) *Node {
	relu := func(v *Node) *Node { return Max(v, ZerosLike(v)) }
	h := relu(Convolve(x, w[0]).Strides(1).PadSame().Done()) // [B,8,8,ch]
	h = Convolve(h, w[1]).Strides(1).Dilations(1).PadSame().ChannelGroupCount(ch).Done()
	// Batch norm over batch and spatial axes, with a learned scale and offset.
	mean := ReduceAndKeep(h, ReduceMean, 0, 1, 2)
	centered := Sub(h, mean)
	variance := ReduceAndKeep(Square(centered), ReduceMean, 0, 1, 2)
	h = Div(centered, Sqrt(AddScalar(variance, 1e-5))) // Rsqrt has no gradient in GoMLX
	h = Add(Mul(h, Reshape(w[2], 1, 1, 1, ch)), Reshape(w[3], 1, 1, 1, ch))
	h = relu(h)
	mp := MaxPool(h).Window(2).Strides(2).Done()  // [B,4,4,ch]
	ap := MeanPool(h).Window(2).Strides(2).Done() // [B,4,4,ch]
	// Half of the channels from each pool, joined again.
	half := ch / 2
	h = Concatenate([]*Node{
		Slice(mp, AxisRange(), AxisRange(), AxisRange(), AxisRange(0, half)),
		Slice(ap, AxisRange(), AxisRange(), AxisRange(), AxisRange(half, ch)),
	}, 3)
	feat := ReduceMean(h, 1, 2) // [B,ch]
	logits := Add(MatMul(feat, w[4]), Reshape(w[5], 1, classes))
	return Neg(ReduceAllMean(ReduceSum(Mul(onehot, LogSoftmax(logits, -1)), -1)))
}

// syntheticBatch makes images whose class decides which half (left or right) is brighter.
func syntheticBatch(rng *rand.Rand) (images []float32, onehot []float32) {
	images = make([]float32, batch*size*size*inCh)
	onehot = make([]float32, batch*classes)
	for b := range batch {
		class := b % classes
		onehot[b*classes+class] = 1
		for y := range size {
			for x := range size {
				bright := (x < size/2) == (class == 0)
				for c := range inCh {
					v := float32(rng.NormFloat64()) * 0.3
					if bright {
						v += 1
					}
					images[((b*size+y)*size+x)*inCh+c] = v
				}
			}
		}
	}
	return images, onehot
}

// TestRealBackendTrainsConvNet runs ~20 steps of plain SGD, written with Gradient inside one
// compiled step, on the real XLA backend, and checks that the loss goes down.
func TestRealBackendTrainsConvNet(t *testing.T) {
	b := openBackend(t)
	t.Logf("%s", b.Info())

	const lr = 0.3
	step, err := NewExec(b, func(in []*Node) []*Node {
		x, onehot, w := in[0], in[1], in[2:]
		loss := convNetLoss(x, onehot, w)
		grads := Gradient(loss, w...)
		out := []*Node{loss}
		for i := range w {
			out = append(out, Sub(w[i], MulScalar(grads[i], lr)))
		}
		return out
	})
	if err != nil {
		t.Fatalf("NewExec: %v", err)
	}
	defer step.Finalize()

	// Weights initialized host-side from a seeded generator (He-like scale).
	rng := rand.New(rand.NewSource(42))
	var weights []*tensors.Tensor
	for i, shape := range weightShapes {
		n := 1
		for _, d := range shape {
			n *= d
		}
		vals := make([]float32, n)
		switch i {
		case 2: // batch norm scale
			for j := range vals {
				vals[j] = 1
			}
		case 3, 5: // offsets and bias
		default:
			fanIn := n / shape[len(shape)-1]
			std := math.Sqrt(2 / float64(fanIn))
			for j := range vals {
				vals[j] = float32(rng.NormFloat64() * std)
			}
		}
		weights = append(weights, tensors.FromFlatDataAndDimensions(vals, shape...))
	}
	images, onehot := syntheticBatch(rng)
	x := tensors.FromFlatDataAndDimensions(images, batch, size, size, inCh)
	y := tensors.FromFlatDataAndDimensions(onehot, batch, classes)

	const steps = 20
	var losses []float32
	for s := range steps {
		args := []any{x, y}
		for _, w := range weights {
			args = append(args, w)
		}
		outs, err := step.Exec(args...)
		if err != nil {
			t.Fatalf("step %d: %v", s, err)
		}
		loss := tensors.MustCopyFlatData[float32](outs[0])[0]
		if math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0) {
			t.Fatalf("step %d: loss %v", s, loss)
		}
		losses = append(losses, loss)
		for _, w := range weights {
			w.FinalizeAll()
		}
		outs[0].FinalizeAll()
		weights = outs[1:]
	}
	first, last := losses[0], losses[len(losses)-1]
	t.Logf("loss over %d SGD steps: %v", steps, losses)
	if !(last < 0.7*first) {
		t.Fatalf("loss did not go down: first %.4f, last %.4f (want last < 0.7·first); all: %v", first, last, losses)
	}
}
