// Package train trains a derived genotype stand-alone with the evaluation recipe of DARTS
// (quark0/darts cnn/train.py): SGD with momentum 0.9 and L2 weight decay 3e-4, the learning
// rate cosine-annealed from 0.025 to 0 over the epochs, gradient-norm clipping at 5, batch 96,
// the auxiliary head's loss added with weight 0.4, drop path whose probability rises linearly
// to its final value (DropPath·epoch/Epochs), crop with padding 4, horizontal flip and cutout,
// and per-channel normalization with the training set's statistics. The test set is evaluated
// in evaluation mode (batch norm running statistics).
//
// A Trainer is driven like a search (package search): TakeStep, RunEpoch, Run; every step
// and epoch goes to a search.Recorder (the same record types and JSONL, so ReadLog reads a
// training log too); checkpoints are written atomically and a resumed run continues
// bit-identically; a NaN or Inf loss or gradient stops training with an error wrapping
// search.ErrNonFinite.
//
// Each epoch visits the training set in a new seeded order, in full batches only (DARTS's
// loader also delivers the last, smaller batch; skipping it keeps one executable per module for
// every step). The test set is evaluated whole: its last batch is completed with blank
// examples that count for nothing. The learning rate of epoch e is the cosine of e/Epochs
// (Config.LRAt).
//
// Cutout: DARTS cuts 16×16 out of 32×32 CIFAR images; DefaultCutout keeps 16 for images of
// 32 pixels and more and uses 8 for smaller ones such as 28×28 Fashion-MNIST (a choice,
// documented there).
//
// Drop-path masks are drawn host-side from a random stream that is a pure function of
// (Config.Seed, step) (see DropPathMasks), so a checkpoint needs no random-number state.
//
// The auxiliary head of DARTS (nn.AuxHeadCIFAR) needs 8×8 features after cell 2·Layers/3,
// which 32×32 inputs give with the default reductions. For other image sizes New returns an
// error naming the size that works; Config.PadTo zero-pads the images (centred) to a square
// size first, e.g. 28×28 Fashion-MNIST to 32×32.
package train
