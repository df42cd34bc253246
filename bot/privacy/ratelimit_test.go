package privacy

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
)

func TestParseRate(t *testing.T) {
	for in, want := range map[[2]string]Rate{
		{"", ""}:       DefaultRate,
		{"10/30s", ""}: {Updates: 10, Per: 30 * time.Second, Mute: DefaultRate.Mute},
		{"5/1m", "1h"}: {Updates: 5, Per: time.Minute, Mute: time.Hour},
		{"off", ""}:    {},
	} {
		got, err := ParseRate(in[0], in[1])
		if err != nil || got != want {
			t.Errorf("ParseRate(%q, %q) = %+v, %v; want %+v", in[0], in[1], got, err, want)
		}
	}
	for _, bad := range [][2]string{{"30", ""}, {"x/1m", ""}, {"0/1m", ""}, {"30/1ms", ""}, {"30/1m", "soon"}, {"-3/1m", ""}} {
		if _, err := ParseRate(bad[0], bad[1]); err == nil {
			t.Errorf("ParseRate(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

// A flood gets through up to the limit, then one warning, then silence
// for the mute period; another chat is not affected; after the mute the
// chat is heard again. An administrator is never limited.
func TestLimiter(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		rate := Rate{Updates: 3, Per: time.Minute, Mute: 10 * time.Minute}
		admin := int64(99)
		l := NewLimiter(b.Client, b.Prefix, rate, NewRoles([]int64{admin}).IsAdmin)
		const chat = 810001
		var got []Verdict
		for range 6 {
			v, err := l.Allow(ctx, chat, chat)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		want := []Verdict{Pass, Pass, Pass, Warn, Drop, Drop}
		if !equal(got, want) {
			t.Fatalf("verdicts %v, want %v", got, want)
		}
		if v, _ := l.Allow(ctx, chat+1, chat+1); v != Pass {
			t.Errorf("another chat is limited: %v", v)
		}
		for range 10 {
			if v, _ := l.Allow(ctx, admin, admin); v != Pass {
				t.Fatalf("administrator limited: %v", v)
			}
		}
		ttl := b.Client.PTTL(ctx, l.Key(chat)).Val()
		if ttl <= rate.Per || ttl > rate.Mute {
			t.Fatalf("muted chat's counter lives %v; want the mute period (%v)", ttl, rate.Mute)
		}
		if b.Mini == nil {
			return
		}
		b.Mini.FastForward(rate.Mute)
		if v, _ := l.Allow(ctx, chat, chat); v != Pass {
			t.Errorf("after the mute: %v, want Pass", v)
		}
	})
}

func TestLimiterForget(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		l := NewLimiter(b.Client, b.Prefix, DefaultRate, nil)
		if _, err := l.Forget(ctx, 820001); err != nil {
			t.Fatalf("nothing to forget: %v", err)
		}
		l.Allow(ctx, 820001, 820001)
		if _, err := l.Forget(ctx, 820001); err != nil {
			t.Fatal(err)
		}
		if n := b.Client.Exists(ctx, l.Key(820001)).Val(); n != 0 {
			t.Fatal("counter still there")
		}
	})
}

// Without Redis the limit lets updates through rather than locking
// everyone out, and says why.
func TestLimiterFailsOpen(t *testing.T) {
	b := redistest.Mini(t)
	l := NewLimiter(b.Client, b.Prefix, DefaultRate, nil)
	b.Mini.Close()
	v, err := l.Allow(context.Background(), 1, 1)
	if v != Pass || err == nil {
		t.Fatalf("Allow = %v, %v", v, err)
	}
	if errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

func TestRoles(t *testing.T) {
	r := NewRoles([]int64{42, 0, -5})
	for id, want := range map[int64]bool{42: true, 0: false, -5: false, 43: false} {
		if r.IsAdmin(id) != want {
			t.Errorf("IsAdmin(%d) = %v", id, !want)
		}
	}
	if (Roles{}).IsAdmin(42) {
		t.Error("zero Roles has an administrator")
	}
}

func TestConfirmationExpires(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	c := NewCommands(Config{Clock: func() time.Time { return now }})
	for unix, want := range map[string]bool{
		"1795946400":           true,  // 10:00 exactly
		"1795945600":           true,  // 13m20s ago
		"1795945200":           false, // 20 min ago
		"1795950000":           false, // an hour in the future
		"abc":                  false,
		"":                     false,
		"-1":                   false,
		"99999999999999999999": false,
	} {
		if got := c.fresh(unix); got != want {
			t.Errorf("fresh(%q) = %v, want %v", unix, got, want)
		}
	}
}

func equal(a, b []Verdict) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Sweep erases every key of the chat's hash tag, and nothing of another
// chat's (12 is not 123), even with pattern characters in the prefix.
func TestSweep(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		prefix := b.Prefix + "a*[x]?:"
		mine := []string{prefix + "{c:12}:u:991", prefix + "{c:12}:lease", prefix + "{c:12}:s"}
		others := []string{prefix + "{c:123}:s", prefix + "{c:1}:s", b.Prefix + "{c:12}:s"}
		for _, k := range append(append([]string(nil), mine...), others...) {
			b.Client.Set(ctx, k, "x", time.Minute)
		}
		if _, err := Sweep(b.Client, prefix, nil)(ctx, 12); err != nil {
			t.Fatal(err)
		}
		for _, k := range mine {
			if b.Client.Exists(ctx, k).Val() != 0 {
				t.Errorf("%s survived", k)
			}
		}
		for _, k := range others {
			if b.Client.Exists(ctx, k).Val() != 1 {
				t.Errorf("%s was erased", k)
			}
			b.Client.Del(ctx, k)
		}
	})
}

// The warning states the pause configured: whole minutes in minutes,
// anything else in seconds, never "1 minute" for a 3-second pause.
func TestPauseAsStated(t *testing.T) {
	for d, want := range map[time.Duration]struct {
		id    string
		count int
	}{
		3 * time.Second:         {"rate_limited_seconds", 3},
		1500 * time.Millisecond: {"rate_limited_seconds", 2},
		90 * time.Second:        {"rate_limited_seconds", 90},
		time.Minute:             {"rate_limited", 1},
		5 * time.Minute:         {"rate_limited", 5},
		time.Hour:               {"rate_limited", 60},
	} {
		if id, n := pause(d); id != want.id || n != want.count {
			t.Errorf("pause(%v) = %s %d, want %s %d", d, id, n, want.id, want.count)
		}
	}
}
