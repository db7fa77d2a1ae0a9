package datasets_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/datasets"
)

func ExampleSynthetic() {
	s, err := datasets.Synthetic(datasets.SyntheticConfig{
		Train: 100, Test: 20, Height: 8, Width: 8, Channels: 3, Classes: 4, Seed: 1, Noise: 0.1, Shift: 1,
	})
	if err != nil {
		panic(err)
	}
	st := s.Train.Stats()
	fmt.Println(st.Name, st.Examples, "images of", st.Height, st.Width, st.Channels, "in", st.NumClasses, "classes")
	fmt.Println("class counts:", st.ClassCounts)
	fmt.Println("test:", s.Test.Len())
	// Output:
	// synthetic/train 100 images of 8 8 3 in 4 classes
	// class counts: [25 25 25 25]
	// test: 20
}

func ExampleDataset_Split() {
	s, err := datasets.Synthetic(datasets.SyntheticConfig{Train: 1000, Height: 4, Width: 4, Channels: 1, Classes: 10, Seed: 3})
	if err != nil {
		panic(err)
	}
	// DARTS searches on half of the training set and tunes α on the other half.
	train, valid, err := s.Train.Split(0.5, 42)
	if err != nil {
		panic(err)
	}
	fmt.Println(train.Name, train.Len())
	fmt.Println(valid.Name, valid.Len())
	// Output:
	// synthetic/train/train 500
	// synthetic/train/valid 500
}

func ExampleNewBatcher() {
	s, err := datasets.Synthetic(datasets.SyntheticConfig{Train: 10, Height: 32, Width: 32, Channels: 3, Classes: 10, Seed: 1})
	if err != nil {
		panic(err)
	}
	norm := datasets.CIFAR10Normalization()
	b, err := datasets.NewBatcher(s.Train, datasets.BatchOptions{
		BatchSize: 4, Seed: 7, Shuffle: true, Augment: datasets.DARTSAugment(16), Normalize: &norm,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("batches per epoch:", b.BatchesPerEpoch())
	for range 4 {
		batch, err := b.Next()
		if err != nil {
			panic(err)
		}
		fmt.Println(batch.Epoch, batch.Step, batch.Images.Shape(), batch.Labels.Shape())
	}
	// A checkpoint stores the state; a restored Batcher continues identically.
	fmt.Printf("%+v\n", b.State())
	// Output:
	// batches per epoch: 3
	// 0 0 (Float32)[4 32 32 3] (Int32)[4]
	// 0 1 (Float32)[4 32 32 3] (Int32)[4]
	// 0 2 (Float32)[2 32 32 3] (Int32)[2]
	// 1 0 (Float32)[4 32 32 3] (Int32)[4]
	// {Epoch:1 Position:4}
}

func ExampleDataset_Fingerprint() {
	s, err := datasets.Synthetic(datasets.SyntheticConfig{Train: 100, Test: 10, Height: 8, Width: 8, Channels: 1, Classes: 2, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _ := s.Train.Sample(50, 1)
	b, _ := s.Train.Sample(50, 1)
	c, _ := s.Train.Sample(50, 2)
	fmt.Println(a.Fingerprint() == b.Fingerprint(), a.Fingerprint() == c.Fingerprint())
	// Output: true false
}

// CIFARArchive names the canonical archive that `dartboard data fetch cifar10` downloads,
// its published MD5, and the directory it unpacks into.
func ExampleCIFARArchive() {
	a, err := datasets.CIFARArchive(datasets.CIFAR10)
	if err != nil {
		panic(err)
	}
	fmt.Println(a.URL)
	fmt.Println(a.MD5, a.Subdir, len(a.Files))
	// Output:
	// https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz
	// c32a1d4ab5d03f1284b67883e8d87530 cifar-10-batches-bin 6
}
