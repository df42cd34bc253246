package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot/handoff"
	"github.com/anefbot/anefbot/bot/redistest"
)

// On a Redis Cluster the handoff queue's scripts and pipelines stay in
// one slot ({q}): open, take, relay lookup, lease expiry, release, close
// and statistics run without a CROSSSLOT error.
func TestRedisClusterHandoff(t *testing.T) {
	addrs := clusterAddrs(t)
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(addrs, ",")})
	defer c.Close()
	ctx := context.Background()
	st := handoff.NewStore(c, redistest.Prefix())
	now := testNow
	for i, ref := range []string{"H-CLUAA", "H-CLUBB"} {
		cs := handoff.Case{Ref: ref, Chat: int64(7000 + i), Lang: "fr", Urgent: i == 1, Created: now.UnixMilli()}
		if _, _, err := st.Open(ctx, cs); err != nil {
			t.Fatalf("open: %v", err)
		}
	}
	if err := st.PutVolunteer(ctx, handoff.Volunteer{ID: 9, Langs: []string{"fr"}, Status: handoff.Available}); err != nil {
		t.Fatal(err)
	}
	ref, err := st.Take(ctx, 9, []string{"fr", "en"}, "", now, now.Add(time.Minute))
	if err != nil || ref != "H-CLUBB" {
		t.Fatalf("take: %q %v", ref, err)
	}
	if r, err := st.RouteOf(ctx, 9); err != nil || r.Held != ref {
		t.Fatalf("route: %+v %v", r, err)
	}
	exp, err := st.ExpireLeases(ctx, now.Add(2*time.Minute))
	if err != nil || len(exp) != 1 {
		t.Fatalf("expire: %+v %v", exp, err)
	}
	ref, err = st.Take(ctx, 9, []string{"fr"}, "H-CLUBB", now, now.Add(time.Minute))
	if err != nil {
		t.Fatalf("take again: %v", err)
	}
	cs, _ := st.Get(ctx, ref)
	if err := st.Release(ctx, 9, cs); err != nil {
		t.Fatalf("release: %v", err)
	}
	st.Take(ctx, 9, []string{"fr"}, "", now, now.Add(time.Minute))
	if _, err := st.Close(ctx, cs, 9, handoff.Solved, true, now.Add(time.Minute)); err != nil {
		t.Fatalf("close: %v", err)
	}
	other, _ := st.Get(ctx, "H-CLUAA")
	if _, err := st.Close(ctx, other, 0, handoff.Cancelled, false, now); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	if _, err := st.Get(ctx, "H-CLUAA"); !errors.Is(err, handoff.ErrNoCase) {
		t.Errorf("cancelled case still there: %v", err)
	}
	stats, err := st.Stats(ctx, []string{"fr"}, now.Add(time.Hour))
	if err != nil || len(stats) != 1 || stats[0].Closed != 1 {
		t.Fatalf("stats: %+v %v", stats, err)
	}
	code, err := st.CreateInvite(ctx, handoff.Invite{Langs: []string{"fr"}}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RedeemInvite(ctx, code); err != nil {
		t.Fatalf("redeem: %v", err)
	}
}
