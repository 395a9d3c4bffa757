package techniques

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/reactivex/rxgo/v2"
)

// MaxLineLength caps one line of Lines: the rest of a longer line is cut, so
// memory stays bounded whatever the file holds.
const MaxLineLength = 64 << 10

// Lines returns an observable of the lines of the file that open opens,
// read in chunks of at most 64 KiB as they are emitted: a file of any size
// takes bounded memory. It is cold: each subscription reads the file anew.
//
// The stream ends with the file, fails with a read error or ErrBinary (a
// NUL byte), and stops when ctx is cancelled. Invalid UTF-8 is escaped
// (\xNN). pace is a simulated delay before each line (0 for none).
func Lines(ctx context.Context, open func() (io.ReadCloser, error), pace time.Duration) rxgo.Observable {
	produce := func(ctx context.Context, next chan<- rxgo.Item) {
		send := func(it rxgo.Item) bool {
			select {
			case next <- it:
				return true
			case <-ctx.Done():
				return false
			}
		}
		f, err := open()
		if err != nil {
			send(rxgo.Error(err))
			return
		}
		defer f.Close()
		r := bufio.NewReaderSize(f, 64<<10)
		for n := 1; ; n++ {
			line, err := readLine(r)
			if len(line) > 0 || err == nil {
				if bytes.IndexByte(line, 0) >= 0 {
					send(rxgo.Error(fmt.Errorf("line %d: %w", n, ErrBinary)))
					return
				}
				if !sleepCtx(ctx, pace) || !send(rxgo.Of(escapeInvalid(line))) {
					return
				}
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				send(rxgo.Error(fmt.Errorf("reading line %d: %w", n, err)))
				return
			}
		}
	}
	// WithContext makes every stage stop when ctx is cancelled; without it,
	// rxgo v2.5.0 leaves its goroutines running.
	return rxgo.Defer([]rxgo.Producer{produce}, rxgo.WithContext(ctx))
}

// readLine reads one line without its newline, keeping at most
// MaxLineLength bytes of it. It returns io.EOF with the last line, if any.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		if len(line) < MaxLineLength {
			line = append(line, chunk[:min(len(chunk), MaxLineLength-len(line))]...)
		}
		if err != nil || !isPrefix {
			return line, err
		}
	}
}

// escapeInvalid shows bytes that are not UTF-8 as \xNN rather than as garbage.
func escapeInvalid(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&s, `\x%02x`, b[0])
		} else {
			s.Write(b[:size])
		}
		b = b[size:]
	}
	return s.String()
}

// PipelineConfig selects the operators of Pipeline.
type PipelineConfig struct {
	Map    bool // upper-case each line
	Filter bool // keep lines longer than FilterLength
	Buffer int  // group lines by this many; 0 for no buffering
}

// FilterLength is the Filter operator's threshold, in characters.
const FilterLength = 60

// Stage names, as Pipeline reports them to tap.
const (
	StageSource = "source"
	StageMap    = "map"
	StageFilter = "filter"
	StageBuffer = "buffer"
)

// Pipeline chains the selected operators onto src. tap is told of every item
// that leaves a stage — never concurrently, though the stages run on
// goroutines of their own.
func Pipeline(ctx context.Context, src rxgo.Observable, cfg PipelineConfig, tap func(stage string, item any)) rxgo.Observable {
	var mu sync.Mutex
	report := func(stage string, item any) {
		mu.Lock()
		defer mu.Unlock()
		tap(stage, item)
	}
	opt := rxgo.WithContext(ctx)
	obs := src.Map(func(_ context.Context, v any) (any, error) { report(StageSource, v); return v, nil }, opt)
	if cfg.Map {
		obs = obs.Map(func(_ context.Context, v any) (any, error) {
			out := strings.ToUpper(v.(string))
			report(StageMap, out)
			return out, nil
		}, opt)
	}
	if cfg.Filter {
		obs = obs.Filter(func(v any) bool {
			keep := utf8.RuneCountInString(v.(string)) > FilterLength
			if keep {
				report(StageFilter, v)
			}
			return keep
		}, opt)
	}
	if cfg.Buffer > 0 {
		obs = obs.BufferWithCount(cfg.Buffer, opt).Map(func(_ context.Context, v any) (any, error) {
			report(StageBuffer, v)
			return v, nil
		}, opt)
	}
	return obs
}

// Subscribe consumes obs on the calling goroutine: next for each item, then
// exactly one of onError or complete (rxgo's ForEach calls complete even
// after an error). A cancelled ctx reaches onError, so the caller learns why
// the stream stopped. cancel must cancel the context obs was built with:
// after an error, Subscribe calls it and drains the stream until it closes.
func Subscribe(ctx context.Context, cancel context.CancelFunc, obs rxgo.Observable,
	next func(any), onError func(error), complete func()) {
	items := obs.Observe()
	for it := range items {
		if it.Error() {
			cancel()
			for range items { // let every stage see the cancel and close
			}
			onError(it.E)
			return
		}
		next(it.V)
	}
	if err := ctx.Err(); err != nil {
		onError(err)
		return
	}
	complete()
}

// Backpressure sends n items as fast as it can to a consumer that takes
// delay per item (simulated: it sleeps), through an rxgo event source whose
// buffer holds 8. With rxgo.Block the producer waits for the consumer and
// nothing is lost; with rxgo.Drop an item that finds the buffer full is
// thrown away.
//
// rxgo v2.5.0 applies backpressure only to event sources, and an event
// source whose context is cancelled mid-send hangs, holding a lock, its
// subscribers waiting forever. So the source gets no context: cancelling
// stops the producer, which closes the channel, and the source ends cleanly.
func Backpressure(ctx context.Context, strategy rxgo.BackpressureStrategy, n int, delay time.Duration) (produced, delivered int, err error) {
	src := make(chan rxgo.Item)
	obs := rxgo.FromEventSource(src, rxgo.WithBackPressureStrategy(strategy))
	// Subscribe before producing (an event source is hot), asking for the
	// buffer here: v2.5.0 ignores options given to FromEventSource for it.
	items := obs.Observe(rxgo.WithBufferedChannel(8))
	go func() {
		defer close(src)
		for i := range n {
			select {
			case src <- rxgo.Of(i):
			case <-ctx.Done():
				return
			}
		}
	}()
	for range items {
		delivered++
		sleepCtx(ctx, delay)
	}
	// Every item was taken from src before it closed: the producer's sends
	// are the ones the event source received.
	if err := ctx.Err(); err != nil {
		return 0, delivered, err
	}
	return n, delivered, nil
}

// Events turns a channel of UI events (keystrokes, clicks) into a hot
// observable: the events come from the user, not from subscribing, and no
// one replays earlier ones to a new subscriber (Lines, by contrast, is cold).
//
// FromChannel only reads the channel: an unread event waits in its buffer.
// It is not connectable: two subscribers would split the events between
// them; rxgo.WithPublishStrategy and Connect would give each one every event.
func Events(ctx context.Context, in <-chan string) rxgo.Observable {
	return rxgo.FromChannel(stringItems(ctx, in), rxgo.WithContext(ctx))
}

// Debounced emits an event only once no newer one has arrived for quiet: the
// type-ahead of a search box, which searches when the user pauses rather
// than at every keystroke. (If the stream ends while an event waits out its
// pause, rxgo v2.5.0 drops it; RxJS's debounceTime emits it.)
func Debounced(ctx context.Context, events rxgo.Observable, quiet time.Duration) rxgo.Observable {
	return events.Debounce(rxgo.WithDuration(quiet), rxgo.WithContext(ctx))
}

// Bursts counts the clicks of each burst: a burst is clicks that each come
// less than gap after the one before, and it ends once gap passes with no
// click. It emits the count then (2 is a double click); if events ends
// mid-burst, that burst is counted too.
//
// RxJS writes this double-click detector as
// clicks.pipe(buffer(clicks.pipe(debounceTime(gap)))). rxgo v2.5.0 has no
// buffer closed by another stream, and BufferWithTime's fixed windows would
// split a quick pair that straddles two of them: so it is written out here.
func Bursts(ctx context.Context, events rxgo.Observable, gap time.Duration) rxgo.Observable {
	count := func(ctx context.Context, next chan<- rxgo.Item) {
		in := events.Observe()
		clicks := 0
		// quiet fires gap after the latest click. Between bursts it is nil,
		// and a nil channel never fires in a select.
		var quiet <-chan time.Time
		for {
			select {
			case it, ok := <-in:
				if !ok { // no more clicks: count the burst in progress
					if clicks > 0 {
						rxgo.Of(clicks).SendContext(ctx, next)
					}
					return
				}
				if it.Error() {
					it.SendContext(ctx, next)
					return
				}
				clicks++
				quiet = time.After(gap) // each click restarts the wait
			case <-quiet: // gap passed with no click: the burst is over
				if !rxgo.Of(clicks).SendContext(ctx, next) {
					return
				}
				clicks, quiet = 0, nil
			case <-ctx.Done():
				return
			}
		}
	}
	return rxgo.Defer([]rxgo.Producer{count}, rxgo.WithContext(ctx))
}

// stringItems turns a channel of strings into one of rxgo items.
func stringItems(ctx context.Context, in <-chan string) <-chan rxgo.Item {
	out := make(chan rxgo.Item)
	go func() {
		defer close(out)
		for {
			select {
			case s, ok := <-in:
				if !ok {
					return
				}
				select {
				case out <- rxgo.Of(s):
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
