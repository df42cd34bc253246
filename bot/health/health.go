// Package health serves what an orchestrator and a monitoring system ask
// a replica, on an address of its own (never the public webhook's):
// /healthz (the process answers), /readyz (its dependencies answer) and
// /metrics.
package health

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Check is one dependency's check; it returns nil when the dependency
// answers.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
	// Cache keeps a result this long, so frequent probes do not hammer a
	// remote API (Telegram); 0 checks on every probe.
	Cache time.Duration

	mu   sync.Mutex
	at   time.Time
	last error
}

func (c *Check) run(ctx context.Context, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Cache > 0 && !c.at.IsZero() && now.Sub(c.at) < c.Cache {
		return c.last
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	c.last, c.at = c.Run(ctx), now
	return c.last
}

// Handler returns the mux: metrics may be nil.
func Handler(metrics http.Handler, checks ...*Check) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ready(w, r, checks)
	})
	if metrics != nil {
		mux.Handle("GET /metrics", metrics)
	}
	return mux
}

// ready answers 200 when every check passes, else 503 naming the ones
// that failed (names only: errors may hold addresses).
func ready(w http.ResponseWriter, r *http.Request, checks []*Check) {
	status, body := http.StatusOK, "ready\n"
	for _, c := range checks {
		if err := c.run(r.Context(), time.Now()); err != nil {
			status, body = http.StatusServiceUnavailable, ""
			defer fmt.Fprintf(w, "%s: unreachable\n", c.Name)
		}
	}
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// Server returns an HTTP server with timeouts for h.
func Server(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr: addr, Handler: h,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute,
	}
}
