package telegram_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/telegram"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

func dial(t *testing.T) (*telegram.Client, *telegramtest.Server) {
	t.Helper()
	api := telegramtest.New(t)
	c, err := telegram.Dial(telegramtest.Token, api.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	return c, api
}

func TestSendWithButtonsAndDocument(t *testing.T) {
	c, api := dial(t)
	ctx := context.Background()
	err := c.Send(ctx, bot.Out{ChatID: 5, Text: "Bonjour « à vous »", Buttons: [][]bot.Button{{{Text: "Oui", Data: "c:1:yes"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Send(ctx, bot.Out{ChatID: 5, Text: "votre lettre", Document: &bot.Document{Name: "lettre.pdf", Data: []byte("%PDF-1.4")}}); err != nil {
		t.Fatal(err)
	}
	msgs := api.Messages(5)
	if len(msgs) != 1 || msgs[0].Text != "Bonjour « à vous »" || msgs[0].Buttons[0][0].CallbackData != "c:1:yes" {
		t.Errorf("sent %+v", msgs)
	}
	docs := api.Sent("sendDocument")
	if len(docs) != 1 || string(docs[0].File) != "%PDF-1.4" || docs[0].Params["filename"] != "lettre.pdf" || docs[0].Params["caption"] != "votre lettre" {
		t.Errorf("documents %+v", docs)
	}
}

func TestErrorsAreTranslatedOnceAndNeverShowTheToken(t *testing.T) {
	c, api := dial(t)
	ctx := context.Background()
	out := bot.Out{ChatID: 1, Text: "x"}
	tests := []struct {
		fault telegramtest.Fault
		check func(error) bool
	}{
		{telegramtest.Fault{Status: 429, RetryAfter: 7}, func(err error) bool {
			var r *bot.RetryError
			return errors.As(err, &r) && r.RetryAfter == 7*time.Second
		}},
		{telegramtest.Fault{Status: 502}, func(err error) bool {
			var r *bot.RetryError
			return errors.As(err, &r) && r.RetryAfter == 0
		}},
		{telegramtest.Fault{Status: 403}, func(err error) bool { return errors.Is(err, bot.ErrUnreachable) }},
		{telegramtest.Fault{Status: 400}, func(err error) bool { return errors.Is(err, bot.ErrRejected) }},
	}
	for _, tt := range tests {
		api.Fail("sendMessage", tt.fault)
		err := c.Send(ctx, out)
		if err == nil || !tt.check(err) {
			t.Errorf("fault %+v: err = %v", tt.fault, err)
		}
	}

	// A network failure names the endpoint: the token must not show.
	_, err := telegram.Dial(telegramtest.Token, "http://127.0.0.1:1/bot%s/%s")
	if err == nil || strings.Contains(err.Error(), telegramtest.Token) {
		t.Errorf("dial error = %v", err)
	}
	_, err = telegram.Dial(telegramtest.Token+"x", api.Endpoint())
	if err == nil || strings.Contains(err.Error(), telegramtest.Token) {
		t.Errorf("bad token error = %v", err)
	}
}

func TestPollDeliversEachUpdateOnceInOrder(t *testing.T) {
	c, api := dial(t)
	p := telegramtest.User{ID: 9, Lang: "ar"}
	for i := range 5 {
		api.PushText(p, strings.Repeat("a", i+1))
	}
	api.PushCallback(p, "c:0:t3")
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var got []bot.Update
	done := make(chan error, 1)
	go func() {
		done <- c.Poll(ctx, 1, func(_ context.Context, u bot.Update) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, u)
			if len(got) == 6 {
				cancel()
			}
			return nil
		}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("poll did not deliver 6 updates")
	}
	if len(got) != 6 {
		t.Fatalf("got %d updates", len(got))
	}
	for i := range 5 {
		if got[i].Text != strings.Repeat("a", i+1) || got[i].Kind != bot.Message || !got[i].Private || got[i].LangCode != "ar" {
			t.Errorf("update %d = %+v", i, got[i])
		}
	}
	if got[5].Kind != bot.Callback || got[5].Data != "c:0:t3" || got[5].CallbackID == "" {
		t.Errorf("callback = %+v", got[5])
	}
}

func TestConvert(t *testing.T) {
	chat := &tgbotapi.Chat{ID: 3, Type: "private"}
	group := &tgbotapi.Chat{ID: -4, Type: "supergroup"}
	from := &tgbotapi.User{ID: 3, LanguageCode: "fa-AF"}
	tests := []struct {
		name string
		raw  tgbotapi.Update
		want bot.Update
		ok   bool
	}{
		{"text", tgbotapi.Update{UpdateID: 1, Message: &tgbotapi.Message{Chat: chat, From: from, Text: "salut"}},
			bot.Update{ID: 1, Kind: bot.Message, ChatID: 3, Private: true, UserID: 3, LangCode: "fa-AF", Text: "salut"}, true},
		{"sticker", tgbotapi.Update{UpdateID: 2, Message: &tgbotapi.Message{Chat: chat, From: from, Sticker: &tgbotapi.Sticker{}}},
			bot.Update{ID: 2, Kind: bot.Unsupported, ChatID: 3, Private: true, UserID: 3, LangCode: "fa-AF"}, true},
		{"forwarded text", tgbotapi.Update{UpdateID: 3, Message: &tgbotapi.Message{Chat: chat, From: from, Text: "fw", ForwardDate: 5}},
			bot.Update{ID: 3, Kind: bot.Unsupported, ChatID: 3, Private: true, UserID: 3, LangCode: "fa-AF", Forwarded: true}, true},
		{"group", tgbotapi.Update{UpdateID: 4, Message: &tgbotapi.Message{Chat: group, From: from, Text: "/start"}},
			bot.Update{ID: 4, Kind: bot.Message, ChatID: -4, UserID: 3, LangCode: "fa-AF", Text: "/start"}, true},
		{"edited", tgbotapi.Update{UpdateID: 5, EditedMessage: &tgbotapi.Message{Chat: chat, From: from, Text: "x"}},
			bot.Update{ID: 5, Kind: bot.Unsupported, ChatID: 3, Private: true, UserID: 3, LangCode: "fa-AF", Edited: true}, true},
		{"inline callback without message", tgbotapi.Update{UpdateID: 6, CallbackQuery: &tgbotapi.CallbackQuery{ID: "q", From: from, Data: "c:1:x"}},
			bot.Update{}, false},
		{"message without chat", tgbotapi.Update{UpdateID: 7, Message: &tgbotapi.Message{Text: "x"}}, bot.Update{}, false},
		{"inline query", tgbotapi.Update{UpdateID: 8, InlineQuery: &tgbotapi.InlineQuery{ID: "i"}}, bot.Update{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := telegram.Convert(tt.raw)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Errorf("Convert = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// A forwarded message is someone else's words, whichever field says so:
// forward_origin (which tgbotapi v5.5.1 does not know) or the older
// forward_from, forward_sender_name and forward_date. It reaches the bot
// as Unsupported, without its text, in both modes (Decode serves the
// webhook and getUpdates alike).
func TestDecodeForwarded(t *testing.T) {
	base := `"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"x"},"text":"Votre titre expire le 12/03/2027"`
	tests := map[string]struct {
		extra     string
		forwarded bool
	}{
		"own words":                 {``, false},
		"forward_origin, a user":    {`,"forward_origin":{"type":"user","date":1,"sender_user":{"id":9,"first_name":"y"}}`, true},
		"forward_origin, a channel": {`,"forward_origin":{"type":"channel","date":1,"chat":{"id":-100,"type":"channel"},"message_id":3}`, true},
		"forward_origin, hidden":    {`,"forward_origin":{"type":"hidden_user","date":1,"sender_user_name":"Z"}`, true},
		"forward_sender_name only":  {`,"forward_sender_name":"Z","forward_date":1`, true},
		"forward_from":              {`,"forward_from":{"id":9,"first_name":"y"},"forward_date":1`, true},
		"forward_origin null":       {`,"forward_origin":null`, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			u, ok, err := telegram.Decode([]byte(`{"update_id":4,"message":{` + base + tt.extra + `}}`))
			if err != nil || !ok {
				t.Fatalf("Decode: %v, %v", ok, err)
			}
			if u.Forwarded != tt.forwarded {
				t.Errorf("Forwarded = %v, want %v", u.Forwarded, tt.forwarded)
			}
			if tt.forwarded && (u.Kind != bot.Unsupported || u.Text != "") {
				t.Errorf("forwarded message taken as the person's words: %+v", u)
			}
			if !tt.forwarded && (u.Kind != bot.Message || u.Text == "") {
				t.Errorf("own message not taken as text: %+v", u)
			}
		})
	}
}

// Long polling reads forward_origin too: it decodes getUpdates itself.
func TestPollSeesForwardOrigin(t *testing.T) {
	c, api := dial(t)
	p := telegramtest.User{ID: 11, Lang: "fr"}
	api.PushRaw(map[string]any{"message": api.Message(p, map[string]any{
		"text": "12/03/2027", "forward_origin": map[string]any{"type": "hidden_user", "date": 1, "sender_user_name": "Z"},
	})})
	api.PushText(p, "12/03/2027")
	ctx, cancel := context.WithCancel(context.Background())
	var got []bot.Update
	done := make(chan error, 1)
	go func() {
		done <- c.Poll(ctx, 1, func(_ context.Context, u bot.Update) error {
			if got = append(got, u); len(got) == 2 {
				cancel()
			}
			return nil
		}, slog.New(slog.DiscardHandler))
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("poll did not deliver 2 updates")
	}
	if len(got) != 2 || !got[0].Forwarded || got[0].Kind != bot.Unsupported || got[1].Forwarded || got[1].Kind != bot.Message {
		t.Errorf("updates %+v: want the forwarded one unsupported, the typed one a message", got)
	}
}
