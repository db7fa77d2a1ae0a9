// Package ckpt writes and reads checkpoint files and compares the settings a checkpoint was
// made with to those of the run that resumes it.
//
// A checkpoint file is a one-line header (format version, SHA-256 and size of the content)
// followed by the gob-encoded value. Save writes it atomically (to a temporary file in the
// same directory, synced, then renamed over the target), so a crash or a kill leaves either
// the previous checkpoint or the new one, never a torn file; Load checks the size and the
// checksum before decoding, so a truncated file or a changed byte is one clear error instead
// of a silently different run.
//
// Settings are the named settings that change a run's result (learning rates, schedules,
// method, dataset and its fingerprint, ...). DiffSettings refuses a resumption whose settings
// differ from the checkpoint's, naming each differing key with both values, except for the
// keys the user explicitly overrides (ParseOverrides reads --override KEY=VALUE arguments).
package ckpt
