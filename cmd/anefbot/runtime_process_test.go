package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// buildBinary builds the program once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "anefbot")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is the bot binary running as its own process.
type process struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
}

func startProcess(t *testing.T, bin string, env map[string]string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin)}
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	return p
}

// kill9 kills the process at once: no shutdown, no flush.
func (p *process) kill9(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
}

// The bot process is killed with SIGKILL in the middle of three
// conversations (one update of them not yet answered) and started again:
// every conversation continues where it was, the unanswered update is
// answered, and the updates handled before the kill, which Telegram
// delivers again to the new process, are not answered twice.
func TestKill9MidConversation(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	b, ok := redistest.Real(t)
	if !ok {
		t.Skip("REDIS_URL not set")
	}
	bin := buildBinary(t)
	api := telegramtest.New(t)
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN": telegramtest.Token, "TELEGRAM_API_ENDPOINT": api.Endpoint(),
		"REDIS_URL": b.URL, "REDIS_PREFIX": b.Prefix, "LOG_LEVEL": "warn",
		"CHAT_LEASE": "1s", "OUTBOX_CHAT_BURST": "20",
	}
	first := startProcess(t, bin, env)
	people := []telegramtest.User{{ID: 3101, Lang: "en"}, {ID: 3102, Lang: "en"}, {ID: 3103, Lang: "en"}}
	for _, p := range people {
		api.PushText(p, "/start")
		waitFor(t, api, p, "What is your situation?")
	}
	pressOn(t, api, people[0], "« attestation de dépôt »")
	nth(t, api, people[0], 4, "end date of your residence permit")
	before := len(api.Messages(people[0].ID))

	// An update in flight when the process dies.
	pressOn(t, api, people[1], "« attestation de dépôt »")
	first.kill9(t)

	second := startProcess(t, bin, env)
	waitFor(t, api, people[1], "end date of your residence permit")
	// The first person's conversation goes on at the date question.
	api.PushText(people[0], "15/03/2027")
	nth(t, api, people[0], before+1, "You wrote: 15/03/2027")
	if got := len(api.Messages(people[0].ID)); got != before+1 {
		t.Errorf("first person got %d messages, want %d: updates handled before the kill were answered again:\n%s",
			got, before+1, strings.Join(texts(api, people[0].ID), "\n"))
	}
	// The third person, untouched by the kill, goes on too.
	pressOn(t, api, people[2], "« attestation de dépôt »")
	waitFor(t, api, people[2], "end date of your residence permit")
	if n := strings.Count(strings.Join(texts(api, people[2].ID), "\n"), "What is your situation?"); n != 1 {
		t.Errorf("third person got the first question %d times", n)
	}
	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- second.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after SIGTERM: %v\n%s", err, second.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("no exit within 30s of SIGTERM")
	}
}
