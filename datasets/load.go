package datasets

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultDir is the default root directory of the datasets, where the Debian dataset packages
// (e.g. dataset-fashion-mnist) install them.
const DefaultDir = "/usr/share/datasets"

// EnvDataDir is the environment variable that overrides DefaultDir.
const EnvDataDir = "DARTBOARD_DATA_DIR"

// SetupCommand is the command that installs the datasets that can be installed here; errors
// about a missing Fashion-MNIST name it.
const SetupCommand = "scripts/setup.sh"

// Dataset names accepted by Load.
const (
	FashionMNIST = "fashion-mnist"
	MNIST        = "mnist"
	CIFAR10      = "cifar10"
	CIFAR100     = "cifar100"
	SyntheticSet = "synthetic"
)

// Names returns the dataset names that Load accepts.
func Names() []string {
	return []string{FashionMNIST, MNIST, CIFAR10, CIFAR100, SyntheticSet}
}

// Subdir returns the subdirectory of the root directory that holds the named dataset
// ("fashion-mnist", "mnist", "cifar-10-batches-bin", "cifar-100-binary"), or "" for a dataset
// that is generated.
func Subdir(name string) string {
	switch name {
	case FashionMNIST:
		return "fashion-mnist"
	case MNIST:
		return "mnist"
	case CIFAR10:
		return "cifar-10-batches-bin"
	case CIFAR100:
		return "cifar-100-binary"
	}
	return ""
}

// ResolveDir returns dir if it is not empty, else $DARTBOARD_DATA_DIR if set, else DefaultDir.
func ResolveDir(dir string) string {
	if dir != "" {
		return dir
	}
	if d := os.Getenv(EnvDataDir); d != "" {
		return d
	}
	return DefaultDir
}

// Load loads the training and test parts of the named dataset (see Names) from dir, the root
// directory of the datasets (its Subdir holds the files) or the directory of the files itself;
// "" means ResolveDir(""). CIFAR-100 gets its 100 fine labels. "synthetic" ignores dir and
// generates DefaultSynthetic().
func Load(name, dir string) (Splits, error) {
	dir = ResolveDir(dir)
	switch name {
	case FashionMNIST:
		return LoadFashionMNIST(dir)
	case MNIST:
		return LoadMNIST(dir)
	case CIFAR10:
		return LoadCIFAR10(dir)
	case CIFAR100:
		return LoadCIFAR100(dir, false)
	case SyntheticSet:
		return Synthetic(DefaultSynthetic())
	}
	return Splits{}, fmt.Errorf("unknown dataset %q: want one of %s", name, strings.Join(Names(), ", "))
}

// MissingError reports that a file of a dataset was not found; it names the places searched
// and how to install the dataset where that is known. It matches fs.ErrNotExist.
type MissingError struct {
	// Dataset is the dataset name (see Names).
	Dataset string
	// File is the file that was looked for, e.g. "train-images-idx3-ubyte[.gz]".
	File string
	// Searched lists the directories searched.
	Searched []string
	// Hint tells how to install the dataset, or is "".
	Hint string
}

// Error implements error.
func (e *MissingError) Error() string {
	msg := fmt.Sprintf("dataset %s: file %s not found in %s", e.Dataset, e.File, strings.Join(e.Searched, " or "))
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// Unwrap makes errors.Is(err, fs.ErrNotExist) true.
func (e *MissingError) Unwrap() error { return fs.ErrNotExist }

// installHint says how to get the named dataset onto this machine.
func installHint(name string) string {
	switch name {
	case FashionMNIST:
		return "install it with " + SetupCommand + " (Debian package dataset-fashion-mnist), or point --data-dir / " + EnvDataDir + " at its directory"
	case MNIST:
		return "put the four MNIST IDX files (gzipped or not) there, or point --data-dir / " + EnvDataDir + " at their directory"
	case CIFAR10:
		return "extract cifar-10-binary.tar.gz (https://www.cs.toronto.edu/~kriz/cifar.html) there, or point --data-dir / " + EnvDataDir + " at its directory"
	case CIFAR100:
		return "extract cifar-100-binary.tar.gz (https://www.cs.toronto.edu/~kriz/cifar.html) there, or point --data-dir / " + EnvDataDir + " at its directory"
	}
	return ""
}

// searchDirs returns the directories where the files of dataset name are looked for: the
// dataset's subdirectory of root, then root itself.
func searchDirs(name, root string) []string {
	if sub := Subdir(name); sub != "" && filepath.Base(filepath.Clean(root)) != sub {
		return []string{filepath.Join(root, sub), root}
	}
	return []string{root}
}

// findFile looks for the first of the candidate file names in dirs (directory by directory) and
// returns its path, or a *MissingError describing the search as the file display.
func findFile(name string, dirs []string, display string, candidates ...string) (string, error) {
	for _, d := range dirs {
		for _, c := range candidates {
			p := filepath.Join(d, c)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
		}
	}
	return "", &MissingError{Dataset: name, File: display, Searched: dirs, Hint: installHint(name)}
}
