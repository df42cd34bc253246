package telegram_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/internal/cputime"
	"github.com/anefbot/anefbot/bot/telegram"
)

// serveEnv makes the test binary a Bot API on loopback instead of running
// tests: BenchmarkSend starts it as a process of its own, so the CPU the
// benchmark measures is the client's alone.
const serveEnv = "ANEFBOT_BENCH_SERVE_BOT_API"

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) != "" {
		serveBotAPI()
		return
	}
	os.Exit(m.Run())
}

// serveBotAPI answers as Telegram does (getMe, then the sent Message) and
// prints its address; it ends with its standard input.
func serveBotAPI() {
	const sent = `{"ok":true,"result":{"message_id":42,"from":{"id":1,"is_bot":true,"first_name":"anefbot","username":"anefbot"},` +
		`"chat":{"id":5,"first_name":"A","type":"private"},"date":1795942800,"text":"Quelle est votre situation ?",` +
		`"reply_markup":{"inline_keyboard":[[{"text":"J'ai déposé","callback_data":"c:1:t3"}],[{"text":"Autre chose","callback_data":"c:1:other"}]]}}}`
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(1)
	}
	os.Stdout.WriteString(ln.Addr().String() + "\n")
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); os.Exit(0) }()
	_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/getMe") {
			_, _ = io.WriteString(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"anefbot","username":"anefbot"}}`)
			return
		}
		_, _ = io.WriteString(w, sent)
	}))
}

// BenchmarkSend measures one message with a keyboard through the client
// (tgbotapi, net/http, keep-alive), against a Bot API on loopback in a
// process of its own: allocations and CPU time (cpu-µs/op, kernel
// included) are the client's, what the bot pays for every request it
// makes to Telegram.
func BenchmarkSend(b *testing.B) {
	srv := exec.Command(os.Args[0])
	srv.Env = append(os.Environ(), serveEnv+"=1")
	stdin, err := srv.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := srv.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = stdin.Close(); _ = srv.Wait() }()
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	c, err := telegram.Dial("123:bench", "http://"+strings.TrimSpace(addr)+"/bot%s/%s")
	if err != nil {
		b.Fatal(err)
	}
	m := bot.Out{ChatID: 5, Text: "Quelle est votre situation ?", Buttons: [][]bot.Button{
		{{Text: "J'ai déposé", Data: "c:1:t3"}}, {{Text: "Autre chose", Data: "c:1:other"}},
	}}
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := cputime.Process()
	for b.Loop() {
		if err := c.Send(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}
