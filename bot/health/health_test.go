package health

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestProbes(t *testing.T) {
	redisDown := false
	calls := 0
	redis := &Check{Name: "redis", Run: func(context.Context) error {
		if redisDown {
			return errors.New("dial tcp: refused")
		}
		return nil
	}}
	telegram := &Check{Name: "telegram", Cache: time.Hour, Run: func(context.Context) error { calls++; return nil }}
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("m 1\n")) })
	h := Handler(metrics, redis, telegram)
	get := func(path string) (int, string) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w.Code, w.Body.String()
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("/readyz with everything up = %d", code)
	}
	redisDown = true
	code, body := get("/readyz")
	if code != 503 || !strings.Contains(body, "redis: unreachable") || strings.Contains(body, "refused") {
		t.Errorf("/readyz with Redis down = %d %q, want 503 naming redis only", code, body)
	}
	if calls != 1 {
		t.Errorf("Telegram checked %d times in an hour, want once (cached)", calls)
	}
	if code, body := get("/metrics"); code != 200 || body != "m 1\n" {
		t.Errorf("/metrics = %d %q", code, body)
	}
}
