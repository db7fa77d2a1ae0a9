// Package backend selects and opens the XLA/PJRT backend that every dartboard computation runs
// on: the CUDA plugin when a GPU and its plugin are present, else the CPU plugin.
//
// dartboard never lets go-xla download plugins (these machines cannot reach its sources): it
// looks for the plugin files itself, in the places the setup command installs them, and opens
// the backend with the plugin's absolute path. When nothing is found, New returns one error that
// lists every place searched and names the setup command.
//
// The choice comes from a spec string: "" (auto: CUDA if present, else CPU), "cpu", "cuda", or
// the absolute path of a PJRT plugin file. Commands take it from --backend or the
// DARTBOARD_BACKEND environment variable.
package backend
