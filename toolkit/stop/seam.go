package stop

import "github.com/dartboard-nas/dartboard/toolkit/search"

// EpochStats is what a stopper sees at each epoch end (search.EpochStats).
type EpochStats = search.EpochStats

// Decision is a stopper's verdict (search.Decision).
type Decision = search.Decision
