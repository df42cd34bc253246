package handoff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/crypt"
	"github.com/anefbot/anefbot/bot/redistest"
)

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func newCase(ref string, chat int64, lang string, urgent bool, created time.Time) Case {
	return Case{Ref: ref, Chat: chat, Lang: lang, Urgent: urgent, Created: created.UnixMilli()}
}

func open(t *testing.T, s *Store, cs ...Case) {
	t.Helper()
	for _, c := range cs {
		if _, created, err := s.Open(context.Background(), c); err != nil || !created {
			t.Fatalf("open %s: created=%v err=%v", c.Ref, created, err)
		}
	}
}

// Many volunteers pressing /take at the same moment on the same cases:
// every case is taken exactly once, and nobody gets two.
func TestTakeConcurrentEachCaseOnce(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		s := NewStore(b.Client, b.Prefix)
		ctx := context.Background()
		const cases, vols = 20, 30
		for i := range cases {
			open(t, s, newCase(fmt.Sprintf("H-%03d", i), int64(1000+i), "fr", i%3 == 0, t0.Add(time.Duration(i)*time.Minute)))
		}
		var mu sync.Mutex
		got := map[string]int64{}
		var wg sync.WaitGroup
		for v := range vols {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ref, err := s.Take(ctx, int64(5000+v), []string{"fr"}, "", t0, t0.Add(time.Hour))
				if errors.Is(err, ErrEmpty) {
					return
				}
				if err != nil {
					t.Errorf("take: %v", err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if prev, dup := got[ref]; dup {
					t.Errorf("case %s taken by %d and %d", ref, prev, 5000+v)
				}
				got[ref] = int64(5000 + v)
			}()
		}
		wg.Wait()
		if len(got) != cases {
			t.Fatalf("%d cases taken, want %d", len(got), cases)
		}
		for ref, vol := range got {
			if h, _ := s.Holder(ctx, ref); h != vol {
				t.Errorf("case %s: holder %d, want %d", ref, h, vol)
			}
		}
	})
}

// Urgent cases come first, then the oldest; languages are separate.
func TestTakeOrderUrgencyThenAge(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		s := NewStore(b.Client, b.Prefix)
		ctx := context.Background()
		open(t, s,
			newCase("H-OLD", 1, "fr", false, t0),
			newCase("H-NEW", 2, "fr", false, t0.Add(time.Hour)),
			newCase("H-URG", 3, "fr", true, t0.Add(2*time.Hour)),
			newCase("H-URG0", 4, "fr", true, t0.Add(90*time.Minute)),
			newCase("H-EN", 5, "en", true, t0.Add(-time.Hour)),
		)
		if p, _ := s.Position(ctx, Case{Ref: "H-NEW", Lang: "fr"}); p != 4 {
			t.Errorf("position of H-NEW = %d, want 4", p)
		}
		var order []string
		for v := int64(1); v <= 5; v++ {
			ref, err := s.Take(ctx, 100+v, []string{"fr"}, "", t0, t0.Add(time.Hour))
			if errors.Is(err, ErrEmpty) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			order = append(order, ref)
		}
		want := []string{"H-URG0", "H-URG", "H-OLD", "H-NEW"}
		if fmt.Sprint(order) != fmt.Sprint(want) {
			t.Errorf("order %v, want %v (the English case stays for English speakers)", order, want)
		}
		ref, err := s.Take(ctx, 200, []string{"de", "en"}, "", t0, t0.Add(time.Hour))
		if err != nil || ref != "H-EN" {
			t.Errorf("English speaker took %q, %v; want H-EN", ref, err)
		}
	})
}

// A volunteer holds one case at a time; a given reference is taken only
// if it waits in their languages.
func TestTakeBusyAndByReference(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		s := NewStore(b.Client, b.Prefix)
		ctx := context.Background()
		open(t, s, newCase("H-A", 1, "fr", false, t0), newCase("H-B", 2, "fr", false, t0.Add(time.Minute)), newCase("H-C", 3, "en", false, t0))
		if ref, err := s.Take(ctx, 9, []string{"fr"}, "H-B", t0, t0.Add(time.Hour)); err != nil || ref != "H-B" {
			t.Fatalf("take H-B: %q %v", ref, err)
		}
		if ref, err := s.Take(ctx, 9, []string{"fr"}, "", t0, t0.Add(time.Hour)); !errors.Is(err, ErrBusy) || ref != "H-B" {
			t.Errorf("second take: %q %v, want ErrBusy H-B", ref, err)
		}
		if _, err := s.Take(ctx, 10, []string{"fr"}, "H-C", t0, t0.Add(time.Hour)); !errors.Is(err, ErrNoCase) {
			t.Errorf("French speaker took the English case: %v", err)
		}
		if _, err := s.Take(ctx, 10, []string{"fr"}, "H-B", t0, t0.Add(time.Hour)); !errors.Is(err, ErrNoCase) {
			t.Errorf("took a case already taken: %v", err)
		}
	})
}

// A lease that ends without volunteer activity returns the case to the
// queue at its old place; activity extends the lease.
func TestLeaseExpiryReturnsCase(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		s := NewStore(b.Client, b.Prefix)
		ctx := context.Background()
		open(t, s, newCase("H-A", 1, "fr", false, t0), newCase("H-B", 2, "fr", false, t0.Add(time.Minute)))
		s.Take(ctx, 7, []string{"fr"}, "H-A", t0, t0.Add(30*time.Minute))
		s.Take(ctx, 8, []string{"fr"}, "H-B", t0, t0.Add(30*time.Minute))
		if err := s.Touch(ctx, "H-B", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if exp, _ := s.ExpireLeases(ctx, t0.Add(29*time.Minute)); len(exp) != 0 {
			t.Fatalf("expired before the lease ended: %+v", exp)
		}
		exp, err := s.ExpireLeases(ctx, t0.Add(31*time.Minute))
		if err != nil || len(exp) != 1 || exp[0].Case.Ref != "H-A" || exp[0].Volunteer != 7 {
			t.Fatalf("expired %+v %v, want H-A from 7", exp, err)
		}
		if p, _ := s.Position(ctx, exp[0].Case); p != 1 {
			t.Errorf("H-A position %d after expiry, want 1", p)
		}
		if r, _ := s.RouteOf(ctx, 7); r.Held != "" {
			t.Errorf("volunteer 7 still relays to %q", r.Held)
		}
		if h, _ := s.Holder(ctx, "H-B"); h != 8 {
			t.Errorf("active volunteer lost H-B (holder %d)", h)
		}
	})
}

// /release puts the case back; /done closes it and keeps only timings;
// neither works on a case someone else holds.
func TestReleaseDoneAndNotYours(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		s := NewStore(b.Client, b.Prefix)
		ctx := context.Background()
		c := newCase("H-A", 1, "fr", false, t0)
		open(t, s, c)
		s.Take(ctx, 7, []string{"fr"}, "", t0.Add(10*time.Minute), t0.Add(time.Hour))
		if err := s.Release(ctx, 8, c); !errors.Is(err, ErrNotYours) {
			t.Errorf("release by another volunteer: %v", err)
		}
		if _, err := s.Close(ctx, c, 8, Solved, true, t0); !errors.Is(err, ErrNotYours) {
			t.Errorf("done by another volunteer: %v", err)
		}
		if err := s.Release(ctx, 7, c); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Position(ctx, c); p != 1 {
			t.Errorf("released case position %d", p)
		}
		s.Take(ctx, 8, []string{"fr"}, "", t0.Add(20*time.Minute), t0.Add(time.Hour))
		holder, err := s.Close(ctx, c, 8, Solved, true, t0.Add(50*time.Minute))
		if err != nil || holder != 8 {
			t.Fatalf("close: %d %v", holder, err)
		}
		if _, err := s.Get(ctx, "H-A"); !errors.Is(err, ErrNoCase) {
			t.Errorf("closed case still readable: %v", err)
		}
		if r, _ := s.RouteOf(ctx, 1); r.Own != "" {
			t.Errorf("person still mapped to %q", r.Own)
		}
		st, err := s.Stats(ctx, []string{"fr"}, t0.Add(time.Hour))
		if err != nil || len(st) != 1 {
			t.Fatalf("stats %+v %v", st, err)
		}
		// First taken 10 minutes after arrival, closed 40 minutes later.
		if st[0].Closed != 1 || st[0].MedianWait != 10*time.Minute || st[0].MedianHandling != 40*time.Minute || st[0].Outcomes[Solved] != 1 {
			t.Errorf("stats %+v", st[0])
		}
		if _, created, _ := s.Open(ctx, newCase("H-Z", 1, "fr", false, t0)); !created {
			t.Error("the person cannot ask again after a closed case")
		}
	})
}

// An invitation works once.
func TestInviteOnce(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		s := NewStore(b.Client, b.Prefix)
		ctx := context.Background()
		code, err := s.CreateInvite(ctx, Invite{Langs: []string{"fr", "ar"}, Name: "Amina"}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.RedeemInvite(ctx, code); err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Errorf("invitation redeemed %d times", ok)
		}
	})
}

// With a key, a case is sealed at rest: the person's words cannot be read
// in Redis, and the queue works the same.
func TestCaseSealedAtRest(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ring, err := crypt.NewKeyring(bytes.Repeat([]byte{7}, 32))
		if err != nil {
			t.Fatal(err)
		}
		s := NewStore(b.Client, b.Prefix)
		s.Sealer = ring
		ctx := context.Background()
		c := newCase("H-SEAL", 1, "fr", false, t0)
		c.Details = []string{"mon employeur menace de me licencier"}
		open(t, s, c)
		raw, err := b.Client.HGet(ctx, b.Prefix+"{q}:case", "H-SEAL").Result()
		if err != nil || strings.Contains(raw, "licencier") {
			t.Fatalf("stored in clear (%v): %q", err, raw)
		}
		if ref, err := s.Take(ctx, 9, []string{"fr"}, "", t0, t0.Add(time.Hour)); err != nil || ref != "H-SEAL" {
			t.Fatalf("take %q %v", ref, err)
		}
		got, err := s.Get(ctx, "H-SEAL")
		if err != nil || got.Details[0] != c.Details[0] {
			t.Fatalf("get %+v %v", got, err)
		}
	})
}

// Recording a notification never rewrites a volunteer: a status set
// meanwhile stays, and a removed volunteer does not come back.
func TestNotifiedKeptApart(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		s := NewStore(b.Client, b.Prefix)
		ctx := context.Background()
		s.PutVolunteer(ctx, Volunteer{ID: 1, Langs: []string{"fr"}, Status: Away})
		s.PutVolunteer(ctx, Volunteer{ID: 2, Langs: []string{"fr"}, Status: Available})
		if err := s.MarkNotified(ctx, 1, t0); err != nil {
			t.Fatal(err)
		}
		s.RemoveVolunteer(ctx, 2)
		s.MarkNotified(ctx, 2, t0)
		vols, err := s.Volunteers(ctx)
		if err != nil || len(vols) != 1 || vols[0].Status != Away || vols[0].Notified != t0.UnixMilli() {
			t.Fatalf("volunteers %+v %v", vols, err)
		}
	})
}

// A case sealed with a key the store no longer has is unreadable, never
// listed, found back from its chat, and discarded with every trace of it
// (held by a volunteer or waiting), the readable cases untouched.
func TestUnreadableCaseDiscarded(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		ringA, _ := crypt.NewKeyring(bytes.Repeat([]byte{1}, 32))
		ringB, _ := crypt.NewKeyring(bytes.Repeat([]byte{2}, 32))
		before := NewStore(b.Client, b.Prefix)
		before.Sealer = ringA
		open(t, before, newCase("H-OLD01", 7001, "fr", false, t0), newCase("H-OLD02", 7002, "fr", false, t0.Add(time.Minute)))
		if _, err := before.Take(ctx, 9001, []string{"fr"}, "H-OLD02", t0, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		s := NewStore(b.Client, b.Prefix)
		s.Sealer = ringB
		open(t, s, newCase("H-NEW01", 7003, "fr", false, t0.Add(2*time.Minute)))

		if _, err := s.Get(ctx, "H-OLD01"); !errors.Is(err, ErrUnreadable) {
			t.Fatalf("Get of a case sealed with another key: %v", err)
		}
		waiting, err := s.Waiting(ctx, []string{"fr"}, 10)
		if err != nil || len(waiting) != 1 || waiting[0].Ref != "H-NEW01" {
			t.Fatalf("Waiting = %+v, %v; want only H-NEW01", waiting, err)
		}
		if chat, err := s.ChatOf(ctx, "H-OLD02"); err != nil || chat != 7002 {
			t.Fatalf("ChatOf = %d, %v", chat, err)
		}
		for ref, want := range map[string]int64{"H-OLD01": 0, "H-OLD02": 9001} {
			holder, err := s.Discard(ctx, ref, 0, []string{"en", "fr"})
			if err != nil || holder != want {
				t.Errorf("Discard(%s) = %d, %v; want holder %d", ref, holder, err, want)
			}
		}
		keys, err := b.Keys(ctx, b.Prefix+"*")
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if v := textOf(ctx, b, k); strings.Contains(v, "H-OLD") || strings.Contains(v, "7001") || strings.Contains(v, "7002") {
				t.Errorf("%s still points at a discarded case", k)
			}
		}
		if c, err := s.Get(ctx, "H-NEW01"); err != nil || c.Chat != 7003 {
			t.Errorf("the readable case: %+v, %v", c, err)
		}
		if r, _ := s.RouteOf(ctx, 9001); r.Held != "" {
			t.Errorf("the volunteer still holds %s", r.Held)
		}
	})
}

// textOf is a key's fields, members and values as text.
func textOf(ctx context.Context, b redistest.Backend, k string) string {
	switch b.Client.Type(ctx, k).Val() {
	case "hash":
		return fmt.Sprint(b.Client.HGetAll(ctx, k).Val())
	case "zset":
		return fmt.Sprint(b.Client.ZRange(ctx, k, 0, -1).Val())
	case "string":
		return b.Client.Get(ctx, k).Val()
	}
	return ""
}
