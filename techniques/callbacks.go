package techniques

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"
	"unicode/utf8"
)

// MaxReadSize is the largest file ReadFile accepts. Larger files are refused
// with an error rather than read into memory whole.
const MaxReadSize = 4 << 20 // 4 MiB

// ErrBinary is returned for a file that is not text.
var ErrBinary = errors.New("the file is binary, not text")

// ReadFile reads the file name from fsys on a new goroutine and calls callback
// exactly once: with the content, or with an error. It returns at once: the
// caller carries on while the read happens, and hears of it through the
// callback.
//
// delay is a *simulated* device latency, waited before the real read, so that
// the asynchrony is long enough to see. If ctx is cancelled first, callback
// gets the context's error.
//
// The callback runs on the reading goroutine, maybe while the caller's next
// lines run. (Node runs it later, on its one event loop; a GUI hands the
// result to its UI goroutine: in Fyne, fyne.Do.) The returned channel is
// closed once the callback has returned, for callers that wait for the work.
func ReadFile(ctx context.Context, fsys fs.FS, name string, delay time.Duration,
	callback func(content string, err error)) <-chan struct{} {
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		callback(ReadFileSync(ctx, fsys, name, delay))
	}()
	return finished
}

// ReadFileSync is the blocking read: it returns only when the file has been
// read (or the read failed). Called from a UI event handler, it freezes the UI
// for as long as it takes.
func ReadFileSync(ctx context.Context, fsys fs.FS, name string, delay time.Duration) (string, error) {
	// The simulated latency of a slow disk. A select, not time.Sleep, so that
	// cancelling does not have to wait for the delay to pass.
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-timer.C:
	}

	f, err := fsys.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", err
	}
	if info.IsDir() {
		return "", fmt.Errorf("%s is a directory, not a file", name)
	}
	if info.Size() > MaxReadSize {
		return "", fmt.Errorf("%s is %.1f MB; files over %.1f MB are refused", name, float64(info.Size())/1e6, float64(MaxReadSize)/1e6)
	}
	// Read one byte more than the limit, in case the size reported was wrong.
	b, err := io.ReadAll(io.LimitReader(f, MaxReadSize+1))
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", name, err)
	}
	if len(b) > MaxReadSize {
		return "", fmt.Errorf("%s is over %d bytes; refused", name, MaxReadSize)
	}
	if bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b) {
		return "", fmt.Errorf("%s: %w", name, ErrBinary)
	}
	return string(b), nil
}

// WordCount is what the three-step workflow finds.
type WordCount struct {
	File  string // the file the index named
	Lines int
	Words int
}

// ErrInjected is the failure the workflows produce at the step they are told to fail.
var ErrInjected = errors.New("injected failure")

// countWords is the workflow's third step, asynchronous like the others: it
// counts on a new goroutine and calls back.
func countWords(text string, callback func(lines, words int, err error)) {
	go func() {
		lines := bytes.Count([]byte(text), []byte("\n"))
		if text != "" && text[len(text)-1] != '\n' {
			lines++ // a last line without a newline still counts
		}
		callback(lines, len(bytes.Fields([]byte(text))), nil)
	}()
}
