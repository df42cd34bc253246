package telegram_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/telegram"
)

// BenchmarkSend measures one message with a keyboard through the client,
// against a Bot API on loopback that answers as Telegram does (getMe,
// then the sent Message). Both ends run in the benchmark's process: the
// allocations are the client's and the server's together.
func BenchmarkSend(b *testing.B) {
	const sent = `{"ok":true,"result":{"message_id":42,"from":{"id":1,"is_bot":true,"first_name":"anefbot","username":"anefbot"},` +
		`"chat":{"id":5,"first_name":"A","type":"private"},"date":1795942800,"text":"Quelle est votre situation ?",` +
		`"reply_markup":{"inline_keyboard":[[{"text":"J'ai déposé","callback_data":"c:1:t3"}],[{"text":"Autre chose","callback_data":"c:1:other"}]]}}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/getMe") {
			_, _ = io.WriteString(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"anefbot","username":"anefbot"}}`)
			return
		}
		_, _ = io.WriteString(w, sent)
	}))
	defer srv.Close()
	c, err := telegram.Dial("123:bench", srv.URL+"/bot%s/%s")
	if err != nil {
		b.Fatal(err)
	}
	m := bot.Out{ChatID: 5, Text: "Quelle est votre situation ?", Buttons: [][]bot.Button{
		{{Text: "J'ai déposé", Data: "c:1:t3"}}, {{Text: "Autre chose", Data: "c:1:other"}},
	}}
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		if err := c.Send(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}

// processCPU is the user and system CPU time of this process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
