package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// webhookURL is the WEBHOOK_URL the bots register. The fake ignores its
// host and posts to each replica's LISTEN_ADDR, at the URL's path, which
// is where the bot serves its webhook.
const (
	webhookURL  = "https://anefbot-load.invalid" + webhookPath
	webhookPath = "/telegram/webhook"
)

// startTimeout bounds how long the bots take to connect and start
// taking updates.
const startTimeout = 15 * time.Second

// mode names how the bot takes updates, for the report.
func (o options) mode() string {
	if o.webhook {
		return "webhook"
	}
	return "polling"
}

// bots are the bot processes of one run, sharing one Redis and prefix.
type bots struct {
	procs  []*exec.Cmd
	urls   []string // with -webhook: where each replica takes posts
	secret string   // with -webhook: the WEBHOOK_SECRET of all of them
}

// startBots runs o.replicas anefbot processes against the fake, each
// with its own LISTEN_ADDR (and METRICS_ADDR, when -env sets one) and the
// same REDIS_PREFIX, as replicas of one deployment are.
func startBots(bin string, o options, endpoint, redisURL, prefix string) (*bots, error) {
	b := &bots{}
	if o.webhook {
		b.secret = randomSecret()
	}
	for range o.replicas {
		env, url, err := b.replicaEnv(o)
		if err == nil {
			var cmd *exec.Cmd
			if cmd, err = startBot(bin, o, endpoint, redisURL, prefix, env); err == nil {
				b.procs = append(b.procs, cmd)
				b.urls = append(b.urls, url)
			}
		}
		if err != nil {
			b.stop()
			return nil, err
		}
	}
	if !o.webhook {
		b.urls = nil
	}
	return b, nil
}

// replicaEnv returns the settings that differ between replicas, and where
// the replica takes webhook posts.
func (b *bots) replicaEnv(o options) (env []string, url string, err error) {
	if slices.ContainsFunc(o.env, func(kv string) bool { return strings.HasPrefix(kv, "METRICS_ADDR=") }) && o.replicas > 1 {
		addr, err := freeAddr()
		if err != nil {
			return nil, "", err
		}
		env = append(env, "METRICS_ADDR="+addr)
	}
	if !o.webhook {
		return env, "", nil
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	env = append(env, "MODE=webhook", "LISTEN_ADDR="+addr, "WEBHOOK_URL="+webhookURL, "WEBHOOK_SECRET="+b.secret)
	return env, "http://" + addr + webhookPath, nil
}

// startBot runs the anefbot binary against the fake with its own key
// prefix, logging errors only. The replica's own settings come last, so
// they win over -env.
func startBot(bin string, o options, endpoint, redisURL, prefix string, replica []string) (*exec.Cmd, error) {
	cmd := exec.Command(bin)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"TELEGRAM_BOT_TOKEN=" + token,
		"TELEGRAM_API_ENDPOINT=" + endpoint,
		"REDIS_URL=" + redisURL,
		"REDIS_PREFIX=" + prefix,
		"LOG_LEVEL=error",
	}
	if o.workers > 0 {
		cmd.Env = append(cmd.Env, "WORKERS="+strconv.Itoa(o.workers))
	}
	cmd.Env = append(cmd.Env, o.env...)
	cmd.Env = append(cmd.Env, replica...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the bot: %w", err)
	}
	return cmd, nil
}

func (b *bots) pids() []int {
	pids := make([]int, len(b.procs))
	for i, p := range b.procs {
		pids[i] = p.Process.Pid
	}
	return pids
}

// stop stops every replica at once, as a rolling update would not but a
// test run may.
func (b *bots) stop() {
	var wg sync.WaitGroup
	for _, p := range b.procs {
		wg.Go(func() { stopBot(p) })
	}
	wg.Wait()
}

// stopBot asks the bot to stop as a service manager would, and kills it
// if it does not within ten seconds.
func stopBot(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// wait waits until every bot takes updates: polling has begun, or each
// replica has called setWebhook, which the bot does only once its
// webhook server listens.
func (b *bots) wait(ctx context.Context, api *fakeAPI) error {
	method, want := "getUpdates", int64(1)
	if b.urls != nil {
		method, want = "setWebhook", int64(len(b.procs))
	}
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		if api.calls()[method] >= want {
			return nil
		}
		if !sleep(ctx, 20*time.Millisecond) {
			return ctx.Err()
		}
	}
	if b.urls != nil {
		return fmt.Errorf("%d of %d replicas set their webhook within %s", api.calls()[method], want, startTimeout)
	}
	return errors.New("the bot did not start polling within " + startTimeout.String())
}
