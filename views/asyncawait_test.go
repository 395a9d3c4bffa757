package views

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"go.uber.org/goleak"
)

func newAsyncAwait(t *testing.T) *asyncAwaitView {
	test.NewTempApp(t)
	v := newAsyncAwaitView()
	test.NewTempWindow(t, v.demo.Content)
	return v
}

func TestAsyncAwaitThreeStylesAgree(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newAsyncAwait(t)
	if len(v.steps) != 3 {
		t.Fatalf("found the lines of %d steps in the code, want 3", len(v.steps))
	}
	test.Tap(findButton(t, v.demo.Content, "Run all three side by side"))
	v.demo.Wait()
	want := "foo.txt: 7 words looked up: Concurrency (11)"
	for _, style := range workflowStyles {
		if got := v.results[style].Text; !strings.HasPrefix(got, want) || got != v.results["await"].Text {
			t.Errorf("%s: %q, want %q… and the same as await", style, got, want)
		}
	}
	for _, line := range v.steps {
		if _, marked := v.code.marks[line]; marked {
			t.Errorf("line %d is still highlighted after the run", line)
		}
	}
}

func TestAsyncAwaitErrorIsHandled(t *testing.T) {
	v := newAsyncAwait(t)
	v.failAt.SetSelectedIndex(2)
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	r := v.results["await"]
	if r.Importance != widget.DangerImportance || !strings.Contains(r.Text, "step 2") {
		t.Errorf("await result %q, want the step 2 error in red", r.Text)
	}
}

func TestAsyncAwaitBlocking(t *testing.T) {
	v := newAsyncAwait(t)
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v.results["await"].Text, "foo.txt: 7 words") {
		t.Errorf("result %q", v.results["await"].Text)
	}
}
