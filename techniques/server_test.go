package techniques

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func startServer(t testing.TB) *Server {
	t.Helper()
	s, err := StartServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestServerHandlerHostileInput(t *testing.T) {
	s := startServer(t)
	for _, q := range []string{"gopher 1", `'; DROP TABLE items; --`, `<script>alert("x")</script>`, ""} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?q="+url.QueryEscape(q), nil))
		body := rec.Body.String()
		if rec.Code != http.StatusOK {
			t.Errorf("q=%q: HTTP %d: %s", q, rec.Code, body)
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("q=%q: the script tag came back unescaped:\n%s", q, body)
		}
	}
	// The table survived the injection attempt, and LIKE found real rows.
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?q=gopher", nil))
	if got := strings.Count(rec.Body.String(), "<li>"); got != 10 {
		t.Errorf("q=gopher: %d items, want 10:\n%s", got, rec.Body.String())
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?q="+strings.Repeat("x", MaxQuery+1), nil))
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("an over-long query: HTTP %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?q=%3Cscript%3E", nil))
	if !strings.Contains(rec.Body.String(), "&lt;script&gt;") {
		t.Errorf("the query is not shown escaped:\n%s", rec.Body.String())
	}
}

func TestServerModesBoundConcurrency(t *testing.T) {
	s := startServer(t)
	tests := []struct {
		mode   ServerMode
		pool   int
		lo, hi int64
	}{
		{OneAtATime, 0, 1, 1},
		{BoundedPool, 4, 2, 4},
		{PerRequest, 0, 3, 16}, // 16 clients at once: more than one, however loaded the machine
	}
	for _, tt := range tests {
		s.SetMode(tt.mode, tt.pool, 20*time.Millisecond)
		st, err := Load(context.Background(), LoadConfig{URL: s.URL, Clients: 16, Requests: 3}, nil)
		if err != nil || st.Done != 48 || st.Errors != 0 {
			t.Fatalf("%s: %+v, %v", tt.mode, st, err)
		}
		if m := s.MaxInFlight(); m < tt.lo || m > tt.hi {
			t.Errorf("%s: at most %d requests in flight, want %d to %d", tt.mode, m, tt.lo, tt.hi)
		}
	}
}

func TestLoadStatistics(t *testing.T) {
	s := startServer(t)
	s.SetMode(PerRequest, 0, 30*time.Millisecond)
	var calls int
	st, err := Load(context.Background(), LoadConfig{URL: s.URL, Clients: 2, Requests: 5}, func(LoadStats) { calls++ })
	if err != nil || st.Done != 10 {
		t.Fatal(st, err)
	}
	if st.P50 < 30*time.Millisecond || st.P50 > 300*time.Millisecond || st.P99 < st.P50 || st.Mean < 30*time.Millisecond {
		t.Errorf("latencies %+v: want about the 30 ms simulated latency", st)
	}
	if calls < 1 {
		t.Error("progress was never called")
	}
	// Two clients in flight at about 30 ms each: about 66 requests a second.
	if little := st.Little(2); little < 0.5*st.PerSecond || little > 2*st.PerSecond {
		t.Errorf("Little's law expects %.0f/s, measured %.0f/s", little, st.PerSecond)
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	var ls []time.Duration
	for i := 100; i >= 1; i-- {
		ls = append(ls, time.Duration(i)*time.Millisecond)
	}
	st := Summarize(ls, 3, 2*time.Second)
	if st.P50 != 51*time.Millisecond || st.P95 != 96*time.Millisecond || st.P99 != 100*time.Millisecond ||
		st.Mean != 50500*time.Microsecond || st.PerSecond != 50 || st.Errors != 3 {
		t.Errorf("Summarize = %+v", st)
	}
	if z := Summarize(nil, 0, 0); z.Done != 0 || z.P50 != 0 {
		t.Errorf("empty: %+v", z)
	}
}

func TestServerCloseFreesThePort(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(),
		goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener")) // closed asynchronously by sql.DB
	s, err := StartServer()
	if err != nil {
		t.Fatal(err)
	}
	s.SetMode(BoundedPool, 2, time.Millisecond)
	if _, err := Load(context.Background(), LoadConfig{URL: s.URL, Clients: 4, Requests: 2}, nil); err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(s.URL, "http://"), "/")
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Errorf("listening on %s, want loopback only", addr)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("the port is still taken after Close: %v", err)
	}
	ln.Close()
	if resp, err := http.Get(s.URL); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t.Error("the server still answers after Close")
	}
	http.DefaultClient.CloseIdleConnections()
}

// BenchmarkServerModes reports throughput with 64 clients and 50 ms of
// database latency: goroutine-per-request against one-at-a-time.
func BenchmarkServerModes(b *testing.B) {
	s := startServer(b)
	var serial, perRequest float64
	for b.Loop() {
		s.SetMode(OneAtATime, 0, 50*time.Millisecond)
		st1, _ := Load(context.Background(), LoadConfig{URL: s.URL, Clients: 64, Requests: 1}, nil)
		s.SetMode(PerRequest, 0, 50*time.Millisecond)
		st2, _ := Load(context.Background(), LoadConfig{URL: s.URL, Clients: 64, Requests: 4}, nil)
		serial, perRequest = st1.PerSecond, st2.PerSecond
	}
	b.ReportMetric(serial, "req/s-one-at-a-time")
	b.ReportMetric(perRequest, "req/s-per-request")
	b.ReportMetric(perRequest/serial, "x-speedup")
}

// BenchmarkServerOverhead is the server's own cost per request, with no
// simulated latency: one client, requests one after another.
func BenchmarkServerOverhead(b *testing.B) {
	s := startServer(b)
	s.SetMode(PerRequest, 0, 0)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	for b.Loop() {
		if err := get(context.Background(), client, s.URL+"?q=gopher"); err != nil {
			b.Fatal(err)
		}
	}
}
