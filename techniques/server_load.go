package techniques

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// The server experiment's clients: goroutines that send requests and time
// the answers.

// LoadConfig describes a load: Clients goroutines, each sending Requests
// requests one after another.
type LoadConfig struct {
	URL      string
	Clients  int
	Requests int
}

// LoadStats summarises a load so far.
type LoadStats struct {
	Done, Errors  int
	Elapsed       time.Duration
	PerSecond     float64
	Mean          time.Duration
	P50, P95, P99 time.Duration
}

// InFlight is, by Little's law, how many requests were in flight on
// average: throughput × mean latency. A client counts its request in
// flight from send to answer, queueing in the server included.
func (l LoadStats) InFlight() float64 {
	return l.PerSecond * l.Mean.Seconds()
}

// Load runs the load against cfg.URL over loopback and returns its
// statistics. progress (never called concurrently) gets the statistics so
// far about ten times a second. A cancelled ctx stops the clients.
func Load(ctx context.Context, cfg LoadConfig, progress func(LoadStats)) (LoadStats, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: cfg.Clients, MaxConnsPerHost: cfg.Clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}

	var mu sync.Mutex
	var latencies []time.Duration
	var errs int
	start := time.Now()
	stats := func() LoadStats {
		mu.Lock()
		defer mu.Unlock()
		return Summarize(latencies, errs, time.Since(start))
	}

	stop := make(chan struct{})
	var ticker sync.WaitGroup
	if progress != nil {
		ticker.Go(func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					progress(stats())
				case <-stop:
					return
				}
			}
		})
	}
	var wg sync.WaitGroup
	for range cfg.Clients {
		wg.Go(func() {
			for range cfg.Requests {
				if ctx.Err() != nil {
					return
				}
				began := time.Now()
				err := get(ctx, client, cfg.URL)
				took := time.Since(began)
				mu.Lock()
				if err != nil {
					errs++
				} else {
					latencies = append(latencies, took)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(stop)
	ticker.Wait()
	final := stats()
	if progress != nil {
		progress(final)
	}
	return final, ctx.Err()
}

func get(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// Summarize computes the statistics of a set of latencies.
func Summarize(latencies []time.Duration, errs int, elapsed time.Duration) LoadStats {
	st := LoadStats{Done: len(latencies), Errors: errs, Elapsed: elapsed}
	if len(latencies) == 0 {
		return st
	}
	sorted := slices.Clone(latencies)
	slices.Sort(sorted)
	var sum time.Duration
	for _, l := range sorted {
		sum += l
	}
	st.Mean = sum / time.Duration(len(sorted))
	pct := func(p float64) time.Duration { return sorted[min(int(p*float64(len(sorted))), len(sorted)-1)] }
	st.P50, st.P95, st.P99 = pct(0.50), pct(0.95), pct(0.99)
	if elapsed > 0 {
		st.PerSecond = float64(len(sorted)) / elapsed.Seconds()
	}
	return st
}
