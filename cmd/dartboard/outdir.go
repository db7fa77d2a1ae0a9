package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/dartboard-nas/dartboard/toolkit/ckpt"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// checkpointHead is the part of a search or training checkpoint that the command line reads to
// describe it (gob ignores the other fields).
type checkpointHead struct {
	Step, Epoch int
}

// readCheckpointHead reads the step and epoch of the checkpoint at path; exists is false when
// there is no such file (err is then nil). A damaged checkpoint exists and gives err.
func readCheckpointHead(path string) (head checkpointHead, exists bool, err error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return head, false, nil
	}
	if err := ckpt.Load(path, &head); err != nil {
		return head, true, err
	}
	return head, true, nil
}

// checkpointState says truthfully what the checkpoint at path holds, for error messages:
// "the checkpoint PATH at step N is kept", "there is no checkpoint", or what is wrong with it.
func checkpointState(path string) string {
	head, exists, err := readCheckpointHead(path)
	switch {
	case !exists:
		return "there is no checkpoint: no step was saved"
	case err != nil:
		return fmt.Sprintf("the checkpoint cannot be used: %v", err)
	}
	return fmt.Sprintf("the checkpoint %s at step %d (epoch %d) is kept", path, head.Step, head.Epoch+1)
}

// countStepRecords counts the step records of the JSONL log at path, reading leniently: the
// records before a bad line (a torn last line) count; a missing log has none.
func countStepRecords(path string) int {
	recs, _ := search.ReadLogFile(path)
	return len(search.Of[*search.StepRecord](recs))
}

// prepareOutDir applies the resume contract to the run directory out (see README, "Resume
// contract") before any work; what names the kind of run ("a search"). With resume, out
// must exist and hold a checkpoint (it is not created). Without, out is created when missing
// and refused when it holds a checkpoint; a directory without a checkpoint holds nothing
// that can be continued, so it is started anew (its log is replaced), saying so when the log
// had steps.
func prepareOutDir(out string, resume bool, what, logPath, ckPath string, stderr io.Writer) error {
	st, err := os.Stat(out)
	switch {
	case err == nil && !st.IsDir():
		return fmt.Errorf("--out %s is a file, not a directory", out)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("output directory: %w", err)
	case err != nil && resume:
		return fmt.Errorf("--resume: %s does not exist: there is nothing to resume (without --resume, %s starts there)", out, what)
	}
	head, hasCk, ckErr := readCheckpointHead(ckPath)
	steps := countStepRecords(logPath)
	if resume {
		if !hasCk {
			if steps > 0 {
				return fmt.Errorf("--resume: %s holds no checkpoint (its log has %d steps: the run was killed before its first checkpoint), so there is nothing to resume: run the same command without --resume to start anew", out, steps)
			}
			return fmt.Errorf("--resume: %s holds no checkpoint (the run stopped before its first step), so there is nothing to resume: run the same command without --resume to start anew", out)
		}
		return nil // Load checks the checkpoint and says what is wrong with it
	}
	if hasCk {
		if ckErr != nil {
			return fmt.Errorf("%s already holds %s, whose checkpoint cannot be used (%v): choose another --out, or delete %s to start anew there", out, what, ckErr, ckPath)
		}
		return fmt.Errorf("%s already holds %s (checkpoint at step %d, epoch %d): pass --resume to continue it, or choose another --out", out, what, head.Step, head.Epoch+1)
	}
	if steps > 0 {
		fmt.Fprintf(stderr, "%s holds a log of %d steps but no checkpoint (the run was killed before its first checkpoint): starting anew\n", out, steps)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	return nil
}
