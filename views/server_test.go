package views

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"go.uber.org/goleak"

	"concurrencylab/techniques"
)

func newServer(t *testing.T) *serverView {
	test.NewTempApp(t)
	v := newServerView()
	test.NewTempWindow(t, v.demo.Content)
	v.latency.SetValue(10)
	v.clients.SetText("8")
	v.requests.SetText("2")
	return v
}

func TestServerPrimaryDemo(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(),
		goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait")) // idle keep-alive connections of http.DefaultClient
	v := newServer(t)
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.runs.Wait() // the run; the server is a stream, still serving, that Demo.Wait would wait for
	if got := v.table[techniques.OneAtATime][2].Text; got != "1" {
		t.Errorf("one at a time: %s in flight at most, want 1", got)
	}
	if got := v.table[techniques.PerRequest][2].Text; got == "1" || got == "—" {
		t.Errorf("goroutine per request: %s in flight at most, want more than 1", got)
	}
	if !strings.HasPrefix(v.address.Text, "Serving http://127.0.0.1:") {
		t.Errorf("address %q", v.address.Text)
	}

	v.query.SetText(`<script>alert(1)</script>`)
	test.Tap(findButton(t, v.demo.Content, "Search"))
	v.runs.Wait()
	if !strings.HasPrefix(v.response.Text, "HTTP 200") || !strings.Contains(v.response.Text, "&lt;script&gt;") {
		t.Errorf("response %q", v.response.Text)
	}

	v.demo.Cancel() // as leaving the panel does: the server stops
	v.demo.Wait()
	if !strings.Contains(v.address.Text, "port is free") {
		t.Errorf("after cancel: %q", v.address.Text)
	}
}

func TestServerBadInput(t *testing.T) {
	v := newServer(t)
	for _, bad := range []string{"0", "513", "many", ""} {
		v.clients.SetText(bad)
		if err := v.demo.Run(); err == nil || v.message.Text == "" {
			t.Errorf("clients %q: %v, message %q", bad, err, v.message.Text)
		}
	}
}
