package main

import (
	"context"
	"encoding/json"
	"maps"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// token is the bot token the fake accepts; it is not a real one.
const token = "424242:LOAD-fake-token"

// sent is what the fake hands to the people after each message the bot
// sends: the chat, whether it has buttons, and their data.
type sent struct {
	chat    int64
	buttons []string // callback data, in display order
	doc     bool
}

// fakeAPI is a lean Bot API on loopback: getUpdates hands out queued
// updates (long polling), or, once a webhook sender is set, updates are
// posted to the bot instead; sendMessage and sendDocument are counted,
// measured and passed on to the people; everything else answers true. It
// keeps no history, so its memory does not grow with the run.
type fakeAPI struct {
	srv     *http.Server
	ln      net.Listener
	onSend  func(sent) // called for every message the bot sends
	stats   *sendStats
	burst   burstCount
	webhook atomic.Pointer[webhookSender] // nil: long polling
	// maxConns is the max_connections of the latest setWebhook, 0 if none.
	maxConns atomic.Int64

	mu      sync.Mutex
	queue   [][]byte
	nextID  int64
	wake    chan struct{} // closed when the queue gets an update
	handed  int64         // updates handed to the bot so far
	methods map[string]int64
}

func newFakeAPI(onSend func(sent)) (*fakeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &fakeAPI{ln: ln, onSend: onSend, stats: newSendStats(), nextID: 1, wake: make(chan struct{}), methods: map[string]int64{}}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve), ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln)
	return f, nil
}

// endpoint is the TELEGRAM_API_ENDPOINT that points the bot at the fake.
func (f *fakeAPI) endpoint() string { return "http://" + f.ln.Addr().String() + "/bot%s/%s" }

func (f *fakeAPI) close() { f.srv.Close() }

// push queues one update of chat (without its update_id, added here),
// or posts it when the bot runs a webhook.
func (f *fakeAPI) push(chat int64, update map[string]any) {
	f.mu.Lock()
	update["update_id"] = f.nextID
	f.nextID++
	b, _ := json.Marshal(update)
	if hook := f.webhook.Load(); hook != nil {
		f.mu.Unlock()
		hook.send(chat, b)
		return
	}
	f.queue = append(f.queue, b)
	close(f.wake)
	f.wake = make(chan struct{})
	f.mu.Unlock()
}

// handedOut returns how many updates the bot has taken: handed out by
// getUpdates, or, with a webhook, posts the bot answered 2xx (an update
// counts once it is handled, however many posts it took).
func (f *fakeAPI) handedOut() int64 {
	if hook := f.webhook.Load(); hook != nil {
		return hook.delivered.Load()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.handed
}

// posts returns how many webhook posts were answered other than 2xx, or
// not at all, and so delivered again; and how many updates waited for
// their chat's previous post. Both 0 when polling.
func (f *fakeAPI) posts() (retried, held int64) {
	if hook := f.webhook.Load(); hook != nil {
		return hook.retried.Load(), hook.held.Load()
	}
	return 0, 0
}

// inAnswerSuffix marks, among the calls counted by method, those the bot
// gave in its answer to a webhook post: Telegram executes them, but they
// are not requests of the bot's.
const inAnswerSuffix = " (in webhook answer)"

// answered counts a call the bot gave in its answer to a webhook post.
func (f *fakeAPI) answered(method string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.methods[method+inAnswerSuffix]++
}

// calls returns how many requests the bot made so far, by Bot API method.
func (f *fakeAPI) calls() map[string]int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.methods)
}

// backlog returns how many updates wait for the bot to take them (with a
// webhook: not yet answered 2xx, those in flight included).
func (f *fakeAPI) backlog() int {
	if hook := f.webhook.Load(); hook != nil {
		return int(hook.waiting.Load())
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queue)
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+token+"/")
	if !ok {
		writeJSON(w, http.StatusUnauthorized, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	f.mu.Lock()
	f.methods[method]++
	f.mu.Unlock()
	switch method {
	case "getMe":
		writeJSON(w, http.StatusOK, `{"ok":true,"result":{"id":424242,"is_bot":true,"first_name":"anefbot","username":"anefbot_load_bot"}}`)
	case "getUpdates":
		f.getUpdates(w, r)
	case "setWebhook":
		_ = r.ParseForm()
		n, _ := strconv.Atoi(r.Form.Get("max_connections"))
		f.maxConns.Store(int64(n))
		writeJSON(w, http.StatusOK, `{"ok":true,"result":true}`)
	case "sendMessage", "sendDocument", "editMessageText", "editMessageCaption", "editMessageReplyMarkup":
		f.send(w, r, method)
	default:
		writeJSON(w, http.StatusOK, `{"ok":true,"result":true}`)
	}
}

// getUpdates answers at once with up to limit queued updates, or waits
// for one until the poll's timeout. Updates are dropped once handed out:
// the bot acknowledges them with its next offset anyway.
func (f *fakeAPI) getUpdates(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	limit, _ := strconv.Atoi(r.Form.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(r.Form.Get("timeout"))
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		n := min(limit, len(f.queue))
		batch := f.queue[:n]
		f.queue = f.queue[n:]
		f.handed += int64(n)
		wake := f.wake
		f.mu.Unlock()
		if n > 0 || timeout == 0 {
			writeJSON(w, http.StatusOK, `{"ok":true,"result":[`+string(joinJSON(batch))+`]}`)
			return
		}
		select {
		case <-wake:
		case <-deadline.C:
			timeout = 0
		case <-r.Context().Done():
			return
		}
	}
}

func joinJSON(items [][]byte) []byte {
	var b []byte
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	return b
}

// send records a message the bot sent and answers with a Message.
func (f *fakeAPI) send(w http.ResponseWriter, r *http.Request, method string) {
	text, chat, markup := readSend(r)
	doc := method == "sendDocument"
	now := time.Now()
	f.stats.record(chat, text, doc, now)
	f.burst.record(chat, now)
	m := sent{chat: chat, doc: doc}
	if markup != "" {
		m.buttons = callbackData(markup)
	}
	if method == "sendMessage" || doc {
		f.onSend(m)
	}
	writeJSON(w, http.StatusOK, `{"ok":true,"result":{"message_id":1,"date":1,"chat":{"id":`+
		strconv.FormatInt(chat, 10)+`,"type":"private"}}}`)
}

// readSend reads a send request's text (or caption), chat and markup.
func readSend(r *http.Request) (text string, chat int64, markup string) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(8 << 20); err == nil {
			get := func(k string) string {
				if v := r.MultipartForm.Value[k]; len(v) > 0 {
					return v[0]
				}
				return ""
			}
			chat, _ = strconv.ParseInt(get("chat_id"), 10, 64)
			return get("caption"), chat, get("reply_markup")
		}
		return "", 0, ""
	}
	_ = r.ParseForm()
	chat, _ = strconv.ParseInt(r.PostForm.Get("chat_id"), 10, 64)
	text = r.PostForm.Get("text")
	if text == "" {
		text = r.PostForm.Get("caption")
	}
	return text, chat, r.PostForm.Get("reply_markup")
}

func callbackData(markup string) []string {
	var kb struct {
		Rows [][]struct {
			Data string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if json.Unmarshal([]byte(markup), &kb) != nil {
		return nil
	}
	var out []string
	for _, row := range kb.Rows {
		for _, b := range row {
			if b.Data != "" {
				out = append(out, b.Data)
			}
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// sendStats are the outbox's observable limits: the most messages sent to
// one chat, and overall, within any one second; and the messages too
// long for Telegram.
type sendStats struct {
	mu       sync.Mutex
	recent   map[int64][]time.Time // per chat, sends of the last second
	maxChat  int
	second   int64 // the current whole second
	inSecond int
	maxAll   int
	tooLong  int // texts over 4096 characters, captions over 1024
	messages int64
}

func newSendStats() *sendStats { return &sendStats{recent: map[int64][]time.Time{}} }

func (s *sendStats) record(chat int64, text string, doc bool, now time.Time) {
	limit := 4096
	if doc {
		limit = 1024
	}
	long := utf8.RuneCountInString(text) > limit
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages++
	if long {
		s.tooLong++
	}
	if sec := now.Unix(); sec != s.second {
		s.second, s.inSecond = sec, 0
	}
	s.inSecond++
	s.maxAll = max(s.maxAll, s.inSecond)
	win := s.recent[chat]
	i := 0
	for i < len(win) && now.Sub(win[i]) >= time.Second {
		i++
	}
	win = append(win[i:], now)
	s.recent[chat] = win
	s.maxChat = max(s.maxChat, len(win))
}

// reset starts a new measurement window.
func (s *sendStats) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recent = map[int64][]time.Time{}
	s.maxChat, s.maxAll, s.tooLong, s.messages, s.inSecond = 0, 0, 0, 0, 0
}

type sendFigures struct {
	Messages       int64
	MaxPerChatPerS int
	MaxOverallPerS int
	TooLong        int
}

func (s *sendStats) figures() sendFigures {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sendFigures{Messages: s.messages, MaxPerChatPerS: s.maxChat, MaxOverallPerS: s.maxAll, TooLong: s.tooLong}
}

// stop ends long polls waiting on the fake.
func (f *fakeAPI) shutdown(ctx context.Context) { _ = f.srv.Shutdown(ctx) }
