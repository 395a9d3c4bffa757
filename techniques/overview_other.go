//go:build !linux

package techniques

import (
	"errors"
	"time"
)

// CanPin is false here: only Linux pins the one-CPU child to a core so far.
const CanPin = false

// pinToOneCore is not done on this OS: GOMAXPROCS=1 still lets only one
// goroutine execute Go code at a time, but the OS may move the process's
// threads between cores and run the runtime's own threads elsewhere.
func pinToOneCore() (int, error) { return -1, errors.New("pinning to a core is only done on Linux") }

// allowedCores is not known on this OS.
func allowedCores() (int, error) { return 0, errors.New("not measured on this OS") }

// runQueueWait is not known on this OS: it has no /proc schedstat.
func runQueueWait() (time.Duration, bool) { return 0, false }
