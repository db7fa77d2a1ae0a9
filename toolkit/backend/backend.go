package backend

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/xla"
)

// EnvBackend is the environment variable holding the default backend spec.
const EnvBackend = "DARTBOARD_BACKEND"

// EnvPluginDir is an environment variable naming an extra directory searched first for plugins.
const EnvPluginDir = "DARTBOARD_PLUGIN_DIR"

// SetupCommand is the command that installs the plugins; errors name it.
const SetupCommand = "scripts/setup.sh"

// File names of the PJRT plugins.
const (
	CPUPluginFile     = "pjrt_c_api_cpu_plugin.so"
	CUDAPluginFile    = "pjrt_c_api_cuda_plugin.so"
	JAXCUDAPluginPath = "jax_plugins/xla_cuda13/xla_cuda_plugin.so"
)

// Backend is an opened XLA backend and how it was found.
type Backend struct {
	backends.Backend
	// Kind is "cpu", "cuda" or "custom" (a plugin given by path).
	Kind string
	// PluginPath is the absolute path of the loaded plugin.
	PluginPath string
}

// Info describes the backend for humans (dartboard env, notebooks).
func (b *Backend) Info() string {
	return fmt.Sprintf("backend: xla (%s)\nplugin:  %s\ndevices: %d (%s)",
		b.Kind, b.PluginPath, b.NumDevices(), b.Description())
}

// NotFoundError reports that no plugin could be found; it lists the places searched.
type NotFoundError struct {
	Spec     string
	Searched []string
}

func (e *NotFoundError) Error() string {
	what := "an XLA PJRT plugin"
	switch e.Spec {
	case "cpu":
		what = "the XLA CPU plugin (" + CPUPluginFile + ")"
	case "cuda":
		what = "the XLA CUDA plugin (" + CUDAPluginFile + " or " + JAXCUDAPluginPath + ")"
	}
	return fmt.Sprintf("no backend: %s not found; searched %s; run %s to install it (or set --backend / %s to a plugin path)",
		what, strings.Join(e.Searched, ", "), SetupCommand, EnvBackend)
}

// SearchDirs returns the directories searched for plugin files, in order: $DARTBOARD_PLUGIN_DIR,
// then $PJRT_PLUGIN_LIBRARY_PATH (which, as for go-xla, replaces the defaults when set), else
// ~/.local/lib/go-xla and /usr/local/lib/go-xla.
func SearchDirs() []string {
	var dirs []string
	if d := os.Getenv(EnvPluginDir); d != "" {
		dirs = append(dirs, d)
	}
	if p := os.Getenv("PJRT_PLUGIN_LIBRARY_PATH"); p != "" {
		for _, d := range filepath.SplitList(p) {
			if d != "" {
				dirs = append(dirs, d)
			}
		}
		return dirs
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local", "lib", "go-xla"))
	}
	return append(dirs, "/usr/local/lib/go-xla")
}

// findInDirs looks for file in dirs, appending what it looked at to searched.
func findInDirs(dirs []string, file string, searched *[]string) string {
	for _, d := range dirs {
		p := filepath.Join(d, file)
		*searched = append(*searched, p)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			abs, err := filepath.Abs(p)
			if err == nil {
				return abs
			}
			return p
		}
	}
	return ""
}

// hasNVIDIAGPU reports whether the machine shows an NVIDIA device.
func hasNVIDIAGPU() bool {
	if _, err := os.Stat("/dev/nvidiactl"); err == nil {
		return true
	}
	if _, err := os.Stat("/dev/nvidia0"); err == nil {
		return true
	}
	return false
}

// pythonSitePackages asks the Python interpreters on the PATH for their site-packages.
func pythonSitePackages() []string {
	var dirs []string
	seen := map[string]bool{}
	for _, py := range []string{"python3", "python"} {
		path, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		out, err := exec.Command(path, "-c",
			"import site,sys;print('\\n'.join(site.getsitepackages()+[site.getusersitepackages()]+sys.path))").Output()
		if err != nil {
			continue
		}
		for _, d := range strings.Split(string(out), "\n") {
			d = strings.TrimSpace(d)
			if d != "" && !seen[d] {
				seen[d] = true
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}

// Resolve finds the plugin file for spec without loading it. It returns the kind ("cpu",
// "cuda", "custom") and the absolute path, or a *NotFoundError.
func Resolve(spec string) (kind, path string, err error) {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "xla:") {
		spec = strings.TrimPrefix(spec, "xla:")
	}
	var searched []string
	switch {
	case spec == "" || spec == "auto":
		if hasNVIDIAGPU() {
			if p := findCUDA(&searched); p != "" {
				return "cuda", p, nil
			}
		}
		if p := findInDirs(SearchDirs(), CPUPluginFile, &searched); p != "" {
			return "cpu", p, nil
		}
		return "", "", &NotFoundError{Spec: "", Searched: searched}
	case spec == "cpu":
		if p := findInDirs(SearchDirs(), CPUPluginFile, &searched); p != "" {
			return "cpu", p, nil
		}
		return "", "", &NotFoundError{Spec: "cpu", Searched: searched}
	case spec == "cuda":
		if p := findCUDA(&searched); p != "" {
			return "cuda", p, nil
		}
		return "", "", &NotFoundError{Spec: "cuda", Searched: searched}
	case strings.HasSuffix(spec, ".so") || strings.ContainsRune(spec, os.PathSeparator):
		abs, aerr := filepath.Abs(spec)
		if aerr != nil {
			return "", "", fmt.Errorf("backend plugin path %q: %w", spec, aerr)
		}
		if st, serr := os.Stat(abs); serr != nil || st.IsDir() {
			return "", "", &NotFoundError{Spec: spec, Searched: []string{abs}}
		}
		kind := "custom"
		if strings.Contains(filepath.Base(abs), "cuda") {
			kind = "cuda"
		} else if strings.Contains(filepath.Base(abs), "cpu") {
			kind = "cpu"
		}
		return kind, abs, nil
	default:
		return "", "", fmt.Errorf("unknown backend %q: want cpu, cuda, or the path of a PJRT plugin file", spec)
	}
}

func findCUDA(searched *[]string) string {
	if p := findInDirs(SearchDirs(), CUDAPluginFile, searched); p != "" {
		return p
	}
	return findInDirs(pythonSitePackages(), JAXCUDAPluginPath, searched)
}

// openMu serializes plugin loading: go-xla's plugin registry is not safe for concurrent loads.
var openMu sync.Mutex

// New resolves spec (see Resolve; "" also reads $DARTBOARD_BACKEND) and opens the backend.
// It never downloads anything and never panics on a missing plugin.
func New(spec string) (b *Backend, err error) {
	if spec == "" {
		spec = os.Getenv(EnvBackend)
	}
	kind, path, err := Resolve(spec)
	if err != nil {
		return nil, err
	}
	// Never auto-install: we pass an absolute path, which bypasses it, and say so for any
	// library code that would look.
	_ = os.Setenv("GOMLX_NO_AUTO_INSTALL", "1")
	if kind == "cuda" {
		// go-xla v0.1.4 otherwise points XLA at a hard-coded CUDA directory that does not exist.
		_ = os.Setenv("GOPJRT_CUDA_CHECKS", "0")
	}
	openMu.Lock()
	defer openMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("opening XLA plugin %s: %v", path, r)
		}
	}()
	xb, err := xla.New(path)
	if err != nil {
		return nil, fmt.Errorf("opening XLA plugin %s: %w", path, err)
	}
	return &Backend{Backend: xb, Kind: kind, PluginPath: path}, nil
}

// MustNew is New for notebooks and examples: it panics on error.
func MustNew(spec string) *Backend {
	b, err := New(spec)
	if err != nil {
		panic(err)
	}
	return b
}

// IsNotFound reports whether err says that no plugin was found.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// GoMLXVersion returns the version of the GoMLX module linked into the binary.
func GoMLXVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/gomlx/gomlx" {
				return d.Version
			}
		}
	}
	return "unknown"
}
