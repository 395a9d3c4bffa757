package techniques

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func sampleFS() fstest.MapFS {
	return fstest.MapFS{
		"index.txt":  {Data: []byte("foo.txt\n")},
		"foo.txt":    {Data: []byte("one two three\nfour five\nsix")},
		"empty.txt":  {Data: nil},
		"binary.bin": {Data: []byte{'P', 'K', 0, 3, 4}},
		"latin1.txt": {Data: []byte{'c', 'a', 'f', 0xe9}},
		"huge.txt":   {Data: []byte(strings.Repeat("x", MaxReadSize+1))},
		"dir/a.txt":  {Data: []byte("a")},
	}
}

func TestReadFileCallsBackOnceAfterReturning(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var returned, calls atomic.Int32
		var got string
		start := time.Now()
		finished := ReadFile(t.Context(), sampleFS(), "foo.txt", 1500*time.Millisecond, func(content string, err error) {
			if returned.Load() == 0 {
				t.Error("the callback ran before ReadFile returned")
			}
			if err != nil {
				t.Errorf("err = %v", err)
			}
			got = content
			calls.Add(1)
		})
		returned.Store(1)
		<-finished
		if calls.Load() != 1 {
			t.Errorf("callback called %d times, want 1", calls.Load())
		}
		if got != "one two three\nfour five\nsix" {
			t.Errorf("content = %q", got)
		}
		if took := time.Since(start); took != 1500*time.Millisecond {
			t.Errorf("the read took %v of fake time, want exactly the simulated 1.5s", took)
		}
	})
}

func TestReadFileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string
		want string // substring of the error
	}{
		{"missing", "nope.txt", "file does not exist"},
		{"directory", "dir", "is a directory"},
		{"binary", "binary.bin", "binary"},
		{"not UTF-8", "latin1.txt", "binary"},
		{"huge", "huge.txt", "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadFileSync(context.Background(), sampleFS(), tt.file, 0)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadFileSync(%s) error = %v, want it to contain %q", tt.file, err, tt.want)
			}
		})
	}
	if got, err := ReadFileSync(context.Background(), sampleFS(), "empty.txt", 0); err != nil || got != "" {
		t.Errorf("empty file: %q, %v", got, err)
	}
}

func TestReadFileCancelled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		var got error
		finished := ReadFile(ctx, sampleFS(), "foo.txt", time.Hour, func(_ string, err error) { got = err })
		time.Sleep(time.Second)
		cancel()
		<-finished
		if !errors.Is(got, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", got)
		}
	})
}

// TestNestedAndFlatAgree is not parallel: its leak check would see the
// goroutines of tests running beside it.
func TestNestedAndFlatAgree(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	type outcome struct {
		wc  WordCount
		err string
	}
	run := func(count func(context.Context, fs.FS, string, time.Duration, int, func(WordCount, error)) <-chan struct{},
		fsys fs.FS, index string, failAt int) outcome {
		var o outcome
		var calls int
		<-count(context.Background(), fsys, index, time.Millisecond, failAt, func(wc WordCount, err error) {
			calls++
			o.wc = wc
			if err != nil {
				o.err = err.Error()
			}
		})
		if calls != 1 {
			t.Errorf("done called %d times, want 1", calls)
		}
		return o
	}
	broken := sampleFS()
	broken["index.txt"] = &fstest.MapFile{Data: []byte("nope.txt")}
	tests := []struct {
		name    string
		fsys    fs.FS
		index   string
		failAt  int
		want    WordCount
		wantErr string
	}{
		{"no failure", sampleFS(), "index.txt", 0, WordCount{File: "foo.txt", Lines: 3, Words: 6}, ""},
		{"fail at step 1", sampleFS(), "index.txt", 1, WordCount{}, "step 1, reading the index: injected failure"},
		{"fail at step 2", sampleFS(), "index.txt", 2, WordCount{}, "step 2, reading foo.txt: injected failure"},
		{"fail at step 3", sampleFS(), "index.txt", 3, WordCount{}, "step 3, counting: injected failure"},
		{"missing index", sampleFS(), "none.txt", 0, WordCount{}, "step 1, reading the index: open none.txt: file does not exist"},
		{"index names a missing file", broken, "index.txt", 0, WordCount{}, "step 2, reading nope.txt: open nope.txt: file does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nested := run(CountNested, tt.fsys, tt.index, tt.failAt)
			flat := run(CountFlat, tt.fsys, tt.index, tt.failAt)
			if nested != flat {
				t.Errorf("nested = %+v, flat = %+v: they must agree", nested, flat)
			}
			if nested.wc != tt.want || nested.err != tt.wantErr {
				t.Errorf("got %+v, want %+v and error %q", nested, tt.want, tt.wantErr)
			}
		})
	}
}

func ExampleReadFile() {
	fsys := fstest.MapFS{"foo.txt": {Data: []byte("Hello from foo.txt")}}
	finished := ReadFile(context.Background(), fsys, "foo.txt", 10*time.Millisecond, func(content string, err error) {
		fmt.Println(content)
	})
	// Printed first because ReadFile returned at once and the read waits
	// 10 ms. With no delay the two prints would race: the callback runs on
	// another goroutine, not after this function ends as in Node.
	fmt.Println("done.")
	<-finished
	// Output:
	// done.
	// Hello from foo.txt
}
