package techniques

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"time"
)

// CountFlat does the same three steps as CountNested, with the same results
// and errors, but each callback is a named method that starts the next step.
// Nothing nests: the steps read top to bottom, one method each.
func CountFlat(ctx context.Context, fsys fs.FS, index string, delay time.Duration,
	failAt int, done func(WordCount, error)) <-chan struct{} {
	f := &countFlow{ctx: ctx, fsys: fsys, delay: delay, failAt: failAt, done: done,
		finished: make(chan struct{})}
	ReadFile(ctx, fsys, index, delay, f.indexRead)
	return f.finished
}

// countFlow carries what every step needs.
type countFlow struct {
	ctx      context.Context
	fsys     fs.FS
	delay    time.Duration
	failAt   int
	name     string
	done     func(WordCount, error)
	finished chan struct{}
}

// Step 1 is over: the index names the file to count.
func (f *countFlow) indexRead(list string, err error) {
	if err = f.check(1, err); err != nil {
		f.finish(WordCount{}, fmt.Errorf("step 1, reading the index: %w", err))
		return
	}
	f.name = strings.TrimSpace(list)
	ReadFile(f.ctx, f.fsys, f.name, f.delay, f.fileRead)
}

// Step 2 is over: count the file's lines and words.
func (f *countFlow) fileRead(text string, err error) {
	if err = f.check(2, err); err != nil {
		f.finish(WordCount{}, fmt.Errorf("step 2, reading %s: %w", f.name, err))
		return
	}
	countWords(text, f.counted)
}

// Step 3 is over: report.
func (f *countFlow) counted(lines, words int, err error) {
	if err = f.check(3, err); err != nil {
		f.finish(WordCount{}, fmt.Errorf("step 3, counting: %w", err))
		return
	}
	f.finish(WordCount{File: f.name, Lines: lines, Words: words}, nil)
}

// check returns err, or ErrInjected if this is the step told to fail.
func (f *countFlow) check(step int, err error) error {
	if err == nil && f.failAt == step {
		return ErrInjected
	}
	return err
}

func (f *countFlow) finish(wc WordCount, err error) {
	f.done(wc, err)
	close(f.finished)
}
