package views

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// newCallbacks builds the panel in the test driver with no simulated delay.
func newCallbacks(t *testing.T) (*callbacksView, *Demo) {
	test.NewTempApp(t)
	v := newCallbacksView()
	test.NewTempWindow(t, v.demo.Content)
	v.delay.SetValue(0)
	return v, v.demo
}

func TestCallbacksClickMe(t *testing.T) {
	v, _ := newCallbacks(t)
	for range 3 {
		test.Tap(findButton(t, v.root, "Click me!"))
	}
	if got := strings.Count(v.out.Text(), "Hello World\n"); got != 3 {
		t.Errorf("console has %d Hello World lines after 3 clicks, want 3:\n%s", got, v.out.Text())
	}
}

// "done." comes before the file's lines even with no delay at all. The
// handler prints it before it starts the read: in the test driver fyne.Do
// runs at once, on the calling goroutine, so only the app (whose fyne.Do
// queues for the UI goroutine) could show the order the queue gives.
// The run records what it showed, and judges the article's tkinter claim.
func TestCallbacksReadLandsAfterDone(t *testing.T) {
	v, d := newCallbacks(t)
	if err := d.Run(); err != nil { // Click me!, then the read with a callback
		t.Fatal(err)
	}
	d.Wait()
	text := v.out.Text()
	done := strings.Index(text, "done.")
	content := strings.Index(text, "Concurrency is about structure")
	if done < 0 || content < 0 || content < done {
		t.Errorf("want \"done.\" before the file's content; console:\n%s", text)
	}
	res := reportedResults(d)
	if res["done_before_first_line"] != true || res["simulated_delay_ms"] != 0.0 {
		t.Errorf("done_before_first_line %v, simulated_delay_ms %v; want true and 0", res["done_before_first_line"], res["simulated_delay_ms"])
	}
	lines, _ := res["console_lines"].([]string)
	if len(lines) < 4 || lines[3] != "done." || !slices.Contains(lines, "Concurrency is about structure: tasks that can make progress independently.") {
		t.Errorf("console_lines %q", lines)
	}
	for _, key := range []string{"click_handler_held_window_ms", "handler_held_window_ms", "callback_called_ms_after_handler_began", "lines_shown_ms_after_handler_began"} {
		if _, ok := res[key].(float64); !ok {
			t.Errorf("no %s in %v", key, res)
		}
	}
	checks, _ := res["article_checks"].([]map[string]string)
	if len(checks) != 1 || checks[0]["verdict"] != partly || !strings.Contains(checks[0]["because"], "returned at once") {
		t.Errorf("article_checks %v: want partly, because the handlers returned at once", checks)
	}
}

func TestCallbacksBlockingReadFreezesThenDone(t *testing.T) {
	v, d := newCallbacks(t)
	v.delay.SetValue(0.2)
	test.Tap(findButton(t, v.root, "Read blocking (the wrong way)"))
	text := v.out.Text()
	if done, content := strings.Index(text, "done."), strings.Index(text, "Concurrency is about structure"); content < 0 || done < content {
		t.Errorf("a blocking read shows the content before \"done.\"; console:\n%s", text)
	}
	res := reportedResults(d)
	if res["done_before_first_line"] != false || res["simulated_delay_ms"] != 200.0 {
		t.Errorf("done_before_first_line %v, simulated_delay_ms %v; want false and 200", res["done_before_first_line"], res["simulated_delay_ms"])
	}
	if held, _ := res["handler_held_window_ms"].(float64); held < 200 {
		t.Errorf("handler_held_window_ms = %v, want at least the 200 ms delay", res["handler_held_window_ms"])
	}
	checks, _ := res["article_checks"].([]map[string]string)
	if len(checks) != 1 || checks[0]["verdict"] != wrong {
		t.Errorf("article_checks %v: want false, the handler held the window", checks)
	}
}

func TestCallbacksErrors(t *testing.T) {
	v, d := newCallbacks(t)
	fsys := fstest.MapFS{"bin": {Data: []byte{0, 1, 2}}}
	for _, name := range []string{"missing.txt", "bin"} {
		if err := v.read(fsys, name); err != nil {
			t.Fatal(err)
		}
		d.Wait()
	}
	errs := 0
	for _, l := range v.out.lines {
		if l.err {
			errs++
		}
	}
	if errs != 2 || !strings.Contains(v.out.Text(), "file does not exist") || !strings.Contains(v.out.Text(), "binary") {
		t.Errorf("want two error lines (missing, binary); console:\n%s", v.out.Text())
	}
}

func TestCallbacksNestedAndFlat(t *testing.T) {
	v, d := newCallbacks(t)
	test.Tap(findButton(t, v.root, "Run nested and flattened"))
	d.Wait()
	if v.nested.Text != v.flat.Text || !strings.Contains(v.nested.Text, "foo.txt: 7 lines") {
		t.Errorf("nested %q, flat %q: want the same count of foo.txt", v.nested.Text, v.flat.Text)
	}
	v.failAt.SetSelectedIndex(2)
	test.Tap(findButton(t, v.root, "Run nested and flattened"))
	d.Wait()
	if v.nested.Text != v.flat.Text || !strings.Contains(v.nested.Text, "step 2") || v.nested.Importance != widget.DangerImportance {
		t.Errorf("nested %q, flat %q: want the same step 2 error, in red", v.nested.Text, v.flat.Text)
	}
}

func TestCallbacksConsoleIsBounded(t *testing.T) {
	v, _ := newCallbacks(t)
	click := findButton(t, v.root, "Click me!")
	for range consoleLimit {
		test.Tap(click)
	}
	if v.out.Lines() != consoleLimit || v.out.dropped != consoleLimit {
		t.Errorf("console holds %d lines, dropped %d; want %d and %d", v.out.Lines(), v.out.dropped, consoleLimit, consoleLimit)
	}
}

// The console keeps six lines in view on a 1366×768 laptop (the Demo tab's
// room there, as in TestOverviewFitsALaptopUnscrolled) and at the default
// window, once the article's claim is judged below it: the split squeezed
// it to two, so "done." and the callback's lines were out of sight.
func TestCallbacksConsoleKeepsItsLines(t *testing.T) {
	v, d := newCallbacks(t)
	if err := d.Run(); err != nil {
		t.Fatal(err)
	}
	d.Wait()
	w := fyne.CurrentApp().Driver().AllWindows()[0]
	w.SetPadded(false)
	for _, size := range []fyne.Size{{Width: 902, Height: 548}, {Width: 1047, Height: 493}} {
		w.Resize(size)
		d.Content.Refresh()
		if got, want := v.out.Size().Height, float32(consoleLines*22); got < want {
			t.Errorf("at %v the console is %v high, want at least %v", size, got, want)
		}
	}
}
