package ckpt

import (
	"fmt"
	"slices"
	"strings"
)

// Settings are the settings of a run that change its result, by name (say "lr" → "0.025").
// Values are compared as strings: format numbers the same way every time (strconv's 'g'
// format with precision -1 round-trips a float64 exactly).
type Settings map[string]string

// String renders the settings as sorted key=value pairs, separated by spaces (a run's meta
// record).
func (s Settings) String() string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + s[k]
	}
	return strings.Join(parts, " ")
}

// Difference is one setting that differs between a checkpoint and the resuming run.
type Difference struct {
	Key string
	// Saved and Now are the checkpoint's and the run's values; a missing key has the
	// corresponding flag set.
	Saved, Now               string
	MissingSaved, MissingNow bool
}

func (d Difference) String() string {
	q := func(v string, missing bool) string {
		if missing {
			return "(not set)"
		}
		return v
	}
	return fmt.Sprintf("%s: checkpoint %s, this run %s", d.Key, q(d.Saved, d.MissingSaved), q(d.Now, d.MissingNow))
}

// MismatchError is DiffSettings' error: every differing setting, sorted by key.
type MismatchError struct {
	Differences []Difference
}

func (e *MismatchError) Error() string {
	parts := make([]string, len(e.Differences))
	for i, d := range e.Differences {
		parts[i] = d.String()
	}
	return "the checkpoint was made with other settings (" + strings.Join(parts, "; ") + ")"
}

// Keys returns the differing keys, sorted.
func (e *MismatchError) Keys() []string {
	keys := make([]string, len(e.Differences))
	for i, d := range e.Differences {
		keys[i] = d.Key
	}
	return keys
}

// Differences compares saved and now key by key and returns every key whose value differs or
// that only one of them has, sorted by key.
func Differences(saved, now Settings) []Difference {
	keys := make([]string, 0, len(saved)+len(now))
	for k := range saved {
		keys = append(keys, k)
	}
	for k := range now {
		if _, ok := saved[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []Difference
	for _, k := range keys {
		a, okA := saved[k]
		b, okB := now[k]
		if okA && okB && a == b {
			continue
		}
		out = append(out, Difference{Key: k, Saved: a, Now: b, MissingSaved: !okA, MissingNow: !okB})
	}
	return out
}

// DiffSettings returns nil when saved (a checkpoint's settings) and now (the resuming run's)
// agree on every key not in overrides, else a *MismatchError naming each differing key with
// both values. A key in overrides may differ (the user asked for it with --override).
func DiffSettings(saved, now Settings, overrides map[string]bool) error {
	var bad []Difference
	for _, d := range Differences(saved, now) {
		if !overrides[d.Key] {
			bad = append(bad, d)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &MismatchError{Differences: bad}
}

// ParseOverrides parses the values of repeated --override KEY=VALUE flags into a map. A
// malformed argument (no "=", an empty key, space around the key) or a key given twice is
// an error naming it.
func ParseOverrides(args []string) (map[string]string, error) {
	out := make(map[string]string, len(args))
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		switch {
		case !ok:
			return nil, fmt.Errorf("--override %q: want KEY=VALUE", a)
		case k == "" || strings.TrimSpace(k) != k || strings.ContainsAny(k, " \t\n"):
			return nil, fmt.Errorf("--override %q: want a KEY without spaces before the =", a)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("--override %s given twice", k)
		}
		out[k] = v
	}
	return out, nil
}

// OverrideKeys returns the set of keys of overrides (for DiffSettings).
func OverrideKeys(overrides map[string]string) map[string]bool {
	keys := make(map[string]bool, len(overrides))
	for k := range overrides {
		keys[k] = true
	}
	return keys
}

// CheckOverrides returns an error naming every key of overrides that is not in allowed (the
// settings a run lets the user change on resumption), listing the allowed ones.
func CheckOverrides(overrides map[string]string, allowed []string) error {
	var bad []string
	for k := range overrides {
		if !slices.Contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	can := "none"
	if len(allowed) > 0 {
		can = strings.Join(allowed, ", ")
	}
	return fmt.Errorf("--override %s: not a setting that may change on resumption (those that may: %s)", strings.Join(bad, ", "), can)
}
