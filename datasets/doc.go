// Package datasets loads the image classification datasets that dartboard searches and trains
// on, splits and augments them, and delivers them in batches as GoMLX tensors.
//
// Sources:
//   - Fashion-MNIST and MNIST in IDX format, gzipped or not (LoadFashionMNIST, LoadMNIST);
//   - CIFAR-10 and CIFAR-100 binary batches (LoadCIFAR10, LoadCIFAR100);
//   - a seeded synthetic dataset of class-dependent patterns, of any size, for fast tests
//     (Synthetic).
//
// Load picks one of them by name ("fashion-mnist", "mnist", "cifar10", "cifar100",
// "synthetic") from a root directory, by default DefaultDir (/usr/share/datasets), which holds
// one subdirectory per dataset (fashion-mnist, mnist, cifar-10-batches-bin, cifar-100-binary);
// the directory may also point directly at the dataset's files.
//
// A Dataset holds its images in host memory, channels last (NHWC, GoMLX's default), as uint8
// (pixels 0..255, read as value/255) or float32, with int32 labels. Split divides it by portion
// with a seed (DARTS searches on a 50/50 split of the training set) and Sample draws a seeded
// subset for quick runs. Stats reports counts, class balance and per-channel mean and standard
// deviation.
//
// A Batcher turns a Dataset into an endless stream of batches: images float32 [B,H,W,C] and
// labels int32 [B], both as *tensors.Tensor and as host slices, with the augmentation of DARTS
// (random crop with zero padding, horizontal flip, per-channel normalization, cutout after
// normalization). Its randomness is a pure function of (seed, epoch, position): the shuffling
// permutation of an epoch derives from (seed, epoch), and the augmentation of an example from
// (seed, epoch, position in the epoch). Its State is therefore just (epoch, position), a small
// value to store in a checkpoint; a Batcher restored from it continues bit-identically.
//
// All random streams use PCG (math/rand/v2) with seeds derived by SplitMix64 and this package's
// own sampling, so that a seed gives the same data on every Go version and platform.
package datasets
