package techniques

import (
	"context"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// SubscriptionCount is what SubscribeCounted counted of one subscription:
// enough to check the stream against the file and the subscriber against
// Rx's contract.
type SubscriptionCount struct {
	Stages    map[string]int // items out of each stage
	Nexts     int            // calls of the subscriber's next
	Errs      int            // calls of its error function
	Completes int            // calls of its complete function
	LateNexts int            // next calls after error or complete: must stay 0
	Err       error          // what the error function got
	Opened    bool           // the file was opened
	FileBytes int64          // the bytes read from the file
	FileLines int64          // the lines in them, counted from the newlines apart from the stream
}

// SubscribeCounted subscribes to the lines of the file open opens, through
// the operators of cfg, and counts what happens. tap is told of each item
// out of each stage, on rxgo's goroutines; next, onError and complete are
// the subscriber's, called on the calling goroutine as by Subscribe. It
// returns once the subscription has ended.
func SubscribeCounted(ctx context.Context, open func() (io.ReadCloser, error), cfg PipelineConfig, pace time.Duration,
	tap func(stage string), next func(item any), onError func(err error), complete func()) SubscriptionCount {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var c subscriptionCounter
	c.stages = map[string]int{}
	obs := Pipeline(ctx, Lines(ctx, c.counted(open), pace), cfg, func(stage string, _ any) {
		c.tap(stage)
		tap(stage)
	})
	Subscribe(ctx, cancel, obs,
		func(item any) { c.next(); next(item) },
		func(err error) { c.failed(err); onError(err) },
		func() { c.completed(); complete() })
	return c.snapshot()
}

// subscriptionCounter counts for SubscribeCounted. The tap runs on rxgo's goroutines and
// the subscriber on the caller's: mu guards what both touch.
type subscriptionCounter struct {
	mu     sync.Mutex
	n      SubscriptionCount
	stages map[string]int
	file   atomic.Pointer[lineCountingReader]
}

// counted wraps open so that the subscriptionCounter sees what is read from the file.
func (c *subscriptionCounter) counted(open func() (io.ReadCloser, error)) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		f, err := open()
		if err != nil {
			return nil, err
		}
		r := &lineCountingReader{ReadCloser: f}
		c.file.Store(r)
		return r, nil
	}
}

func (c *subscriptionCounter) tap(stage string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stages[stage]++
}

func (c *subscriptionCounter) next() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n.Nexts++
	if c.n.Errs+c.n.Completes > 0 {
		c.n.LateNexts++
	}
}

func (c *subscriptionCounter) failed(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n.Errs++
	c.n.Err = err
}

func (c *subscriptionCounter) completed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n.Completes++
}

func (c *subscriptionCounter) snapshot() SubscriptionCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	n.Stages = make(map[string]int, len(c.stages))
	for k, v := range c.stages {
		n.Stages[k] = v
	}
	if f := c.file.Load(); f != nil {
		n.Opened, n.FileBytes, n.FileLines = true, f.bytes.Load(), f.lines()
	}
	return n
}

// lineCountingReader counts the bytes and newlines read from a file, apart from
// the stream that splits it into lines: a check on the lines it emits. Read
// runs on rxgo's goroutine, the counts are read on others.
type lineCountingReader struct {
	io.ReadCloser
	bytes, newlines atomic.Int64
	endsInNewline   atomic.Bool
}

func (r *lineCountingReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if n > 0 {
		r.bytes.Add(int64(n))
		r.newlines.Add(int64(strings.Count(string(p[:n]), "\n")))
		r.endsInNewline.Store(p[n-1] == '\n')
	}
	return n, err
}

// lines is how many lines the bytes read so far hold: one per newline, and
// one more for a last line that has none.
func (r *lineCountingReader) lines() int64 {
	if r.bytes.Load() > 0 && !r.endsInNewline.Load() {
		return r.newlines.Load() + 1
	}
	return r.newlines.Load()
}
