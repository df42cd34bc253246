package privacy

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Sweep returns a Forgetter that deletes every key carrying the chat's
// hash tag ("<prefix>{c:<chat id>}…"), whichever feature wrote it: the
// de-duplication marks of updates, leases, and anything a feature added
// without a Forgetter of its own. It runs after the features' own
// Forgetters, which also erase what they keep elsewhere (queues, indexes).
// It names nothing: what it finds is bookkeeping, not answers.
//
// It scans (SCAN, never KEYS), on every master of a Cluster. /forget is
// rare; the cost of a scan is paid only then. keep, when not nil, names
// keys to leave: the intake's working keys (the chat's lease and its
// inbox of updates not handled yet, written after the /forget was sent),
// which the update's own last round trip deletes.
func Sweep(rdb redis.UniversalClient, prefix string, keep func(chatID int64) []string) func(ctx context.Context, chatID int64) ([]string, error) {
	return func(ctx context.Context, chatID int64) ([]string, error) {
		pattern := globEscape(prefix+"{c:"+strconv.FormatInt(chatID, 10)+"}") + "*"
		kept := map[string]bool{}
		if keep != nil {
			for _, k := range keep(chatID) {
				kept[k] = true
			}
		}
		sweep := func(ctx context.Context, c redis.Cmdable) error { return sweepNode(ctx, c, pattern, kept) }
		var err error
		if cc, ok := rdb.(*redis.ClusterClient); ok {
			err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return sweep(ctx, c) })
		} else {
			err = sweep(ctx, rdb)
		}
		if err != nil {
			return nil, fmt.Errorf("sweep chat keys: %w", err)
		}
		return nil, nil
	}
}

func sweepNode(ctx context.Context, c redis.Cmdable, pattern string, kept map[string]bool) error {
	iter := c.Scan(ctx, 0, pattern, 500).Iterator()
	for iter.Next(ctx) {
		if kept[iter.Val()] {
			continue
		}
		// One key at a time: keys of one chat share a slot, but DEL of
		// several keys must not assume it in every deployment.
		if err := c.Del(ctx, iter.Val()).Err(); err != nil {
			return err
		}
	}
	return iter.Err()
}

// globEscape quotes the characters SCAN MATCH treats as a pattern.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
