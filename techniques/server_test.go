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
	t.Parallel()
	s := startServer(t)
	tests := []struct {
		cfg        ServerConfig
		lo, hi     int64 // requests in flight at most
		dbLo, dbHi int64 // requests on the database at most
	}{
		{ServerConfig{Mode: OneRequestAtATime, DBConns: 16}, 1, 1, 1, 1},
		{ServerConfig{Mode: BoundedPool, Workers: 4, DBConns: 16}, 2, 4, 2, 4},
		// 16 clients at once: more than one, however loaded the machine.
		{ServerConfig{Mode: PerConnection, DBConns: 16}, 3, 16, 3, 16},
		// More clients than connections: they are all in flight, but only
		// 4 at a time hold a connection; the others wait for one.
		{ServerConfig{Mode: PerConnection, DBConns: 4}, 5, 16, 2, 4},
	}
	for _, tt := range tests {
		tt.cfg.Latency = 20 * time.Millisecond
		s.SetConfig(tt.cfg)
		st, err := Load(context.Background(), LoadConfig{URL: s.URL, Clients: 16, Requests: 3}, nil)
		if err != nil || st.Done != 48 || st.Errors != 0 {
			t.Fatalf("%+v: %+v, %v", tt.cfg, st, err)
		}
		if m := s.MaxInFlight(); m < tt.lo || m > tt.hi {
			t.Errorf("%+v: at most %d requests in flight, want %d to %d", tt.cfg, m, tt.lo, tt.hi)
		}
		if m := s.MaxOnDB(); m < tt.dbLo || m > tt.dbHi {
			t.Errorf("%+v: at most %d requests on the database, want %d to %d", tt.cfg, m, tt.dbLo, tt.dbHi)
		}
	}
}

func TestServerCeiling(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		cfg     ServerConfig
		clients int
		onDB    int
		perSec  float64
	}{
		{ServerConfig{Mode: OneRequestAtATime, DBConns: 16, Latency: 20 * ms}, 64, 1, 50},
		{ServerConfig{Mode: PerConnection, DBConns: 16, Latency: 20 * ms}, 64, 16, 800},
		{ServerConfig{Mode: PerConnection, DBConns: 16, Latency: 20 * ms}, 4, 4, 200}, // fewer clients than connections
		{ServerConfig{Mode: BoundedPool, Workers: 8, DBConns: 16, Latency: 20 * ms}, 64, 8, 400},
		{ServerConfig{Mode: BoundedPool, Workers: 32, DBConns: 16, Latency: 20 * ms}, 64, 16, 800},
		{ServerConfig{Mode: PerConnection, DBConns: 16}, 64, 16, 0}, // no latency: no ceiling from it
	}
	for _, tt := range tests {
		onDB, perSec := tt.cfg.Ceiling(tt.clients)
		if onDB != tt.onDB || perSec != tt.perSec {
			t.Errorf("%+v with %d clients: Ceiling = %d, %v; want %d, %v", tt.cfg, tt.clients, onDB, perSec, tt.onDB, tt.perSec)
		}
	}
}

// TestServerSpeedupStopsAtTheConnections: with 64 clients, goroutine per
// connection outruns one at a time only as far as the database's
// connections allow, and further when there are more of them. The bounds
// are physical (a connection serves at most one request per round trip) or
// generous ratios, so a slow, shared machine cannot break them.
func TestServerSpeedupStopsAtTheConnections(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	const latency = 20 * time.Millisecond
	run := func(cfg ServerConfig, requests int) LoadStats {
		t.Helper()
		cfg.Latency = latency
		s.SetConfig(cfg)
		st, err := Load(context.Background(), LoadConfig{URL: s.URL, Clients: 64, Requests: requests}, nil)
		if err != nil || st.Errors != 0 || st.Done != 64*requests {
			t.Fatalf("%+v: %+v, %v", cfg, st, err)
		}
		if _, ceiling := cfg.Ceiling(64); st.PerSecond > ceiling*1.02 {
			t.Errorf("%+v: %.0f requests/s, over the ceiling of %.0f/s", cfg, st.PerSecond, ceiling)
		}
		if int(s.MaxOnDB()) > cfg.DBConns {
			t.Errorf("%+v: %d requests on the database at once", cfg, s.MaxOnDB())
		}
		return st
	}
	serial := run(ServerConfig{Mode: OneRequestAtATime, DBConns: 16}, 1)
	two := run(ServerConfig{Mode: PerConnection, DBConns: 2}, 2)
	sixteen := run(ServerConfig{Mode: PerConnection, DBConns: 16}, 4)
	speedup := func(st LoadStats) float64 { return st.PerSecond / serial.PerSecond }
	t.Logf("one at a time %.0f/s; 2 connections %.0f/s (%.1f×); 16 connections %.0f/s (%.1f×)",
		serial.PerSecond, two.PerSecond, speedup(two), sixteen.PerSecond, speedup(sixteen))
	// One at a time, each request holds the server for 1 ÷ its throughput,
	// a little more than the round trip (the query, the template, HTTP).
	// n connections serve at most n per round trip: the speed-up can exceed
	// n by that little, however slow this machine was during either load.
	allowed := func(conns int) float64 {
		return float64(conns) * (1 / serial.PerSecond) / latency.Seconds() * 1.02
	}
	for _, c := range []struct {
		conns int
		st    LoadStats
	}{{2, two}, {16, sixteen}} {
		if speedup(c.st) > allowed(c.conns) {
			t.Errorf("%d connections: %.1f× one at a time, more than the %.1f× they allow", c.conns, speedup(c.st), allowed(c.conns))
		}
	}
	// Eight times the connections: expect nearly eight times the
	// throughput, unless the CPU runs out first; ask for 1.5×.
	if sixteen.PerSecond < 1.5*two.PerSecond {
		t.Errorf("16 connections served %.0f/s, 2 served %.0f/s: more connections should serve more", sixteen.PerSecond, two.PerSecond)
	}
}

func TestLoadStatistics(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.SetConfig(ServerConfig{Mode: PerConnection, DBConns: 16, Latency: 30 * time.Millisecond})
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
	// Two clients, each always waiting for an answer: about two requests
	// in flight on average (a little less: a client also spends time between
	// requests).
	if n := st.InFlight(); n < 1 || n > 2.05 {
		t.Errorf("%.2f requests in flight on average, want about 2", n)
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
	s.SetConfig(ServerConfig{Mode: BoundedPool, Workers: 2, DBConns: 2, Latency: time.Millisecond})
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

// BenchmarkServerModes reports throughput with 64 clients and 20 ms of
// database round trip: goroutine per connection against one at a time,
// with 16 and then 64 database connections. The speed-up stops near the
// connections: 16 connections ÷ 20 ms = 800 requests/s at most.
func BenchmarkServerModes(b *testing.B) {
	s := startServer(b)
	const latency = 20 * time.Millisecond
	load := func(cfg ServerConfig, requests int) float64 {
		cfg.Latency = latency
		s.SetConfig(cfg)
		st, err := Load(context.Background(), LoadConfig{URL: s.URL, Clients: 64, Requests: requests}, nil)
		if err != nil || st.Errors != 0 {
			b.Fatal(st, err)
		}
		return st.PerSecond
	}
	var serial, conns16, conns64 float64
	for b.Loop() {
		serial = load(ServerConfig{Mode: OneRequestAtATime, DBConns: 16}, 1)
		conns16 = load(ServerConfig{Mode: PerConnection, DBConns: 16}, 8)
		conns64 = load(ServerConfig{Mode: PerConnection, DBConns: 64}, 8)
	}
	b.ReportMetric(serial, "req/s-one-at-a-time")
	b.ReportMetric(conns16, "req/s-16-conns")
	b.ReportMetric(conns16/serial, "x-speedup-16-conns")
	b.ReportMetric(conns64, "req/s-64-conns")
	b.ReportMetric(conns64/serial, "x-speedup-64-conns")
}

// BenchmarkServerOverhead is the server's own cost per request, with no
// simulated latency: one client, requests one after another.
func BenchmarkServerOverhead(b *testing.B) {
	s := startServer(b)
	s.SetConfig(ServerConfig{Mode: PerConnection, DBConns: 1})
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	for b.Loop() {
		if err := get(context.Background(), client, s.URL+"?q=gopher"); err != nil {
			b.Fatal(err)
		}
	}
}
