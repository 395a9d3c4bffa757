package techniques

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"time"
)

// CountNested reads the index file, then the file it names, then counts that
// file's lines and words — each step an asynchronous call whose callback starts
// the next. The callbacks nest one inside another ("callback hell"), and each
// level must check for errors on its own.
//
// failAt (1, 2 or 3) makes that step fail with ErrInjected; 0 fails none.
// done is called exactly once, from a background goroutine. The returned
// channel is closed after done has returned.
func CountNested(ctx context.Context, fsys fs.FS, index string, delay time.Duration,
	failAt int, done func(WordCount, error)) <-chan struct{} {
	finished := make(chan struct{})
	finish := func(wc WordCount, err error) {
		done(wc, err)
		close(finished)
	}

	ReadFile(ctx, fsys, index, delay, func(list string, err error) {
		if err == nil && failAt == 1 {
			err = ErrInjected
		}
		if err != nil {
			finish(WordCount{}, fmt.Errorf("step 1, reading the index: %w", err))
			return
		}
		name := strings.TrimSpace(list)
		ReadFile(ctx, fsys, name, delay, func(text string, err error) {
			if err == nil && failAt == 2 {
				err = ErrInjected
			}
			if err != nil {
				finish(WordCount{}, fmt.Errorf("step 2, reading %s: %w", name, err))
				return
			}
			countWords(text, func(lines, words int, err error) {
				if err == nil && failAt == 3 {
					err = ErrInjected
				}
				if err != nil {
					finish(WordCount{}, fmt.Errorf("step 3, counting: %w", err))
					return
				}
				finish(WordCount{File: name, Lines: lines, Words: words}, nil)
			})
		})
	})
	return finished
}
