// Package telegramtest is a fake Telegram Bot API over HTTP, for tests
// that run the real adapter (go-telegram-bot-api) end to end: people are
// played by pushing updates; what the bot sends is recorded. Faults (429
// with retry_after, 5xx) can be injected per method, and an outage
// (every call of some methods failing until it ends) played.
package telegramtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Token is the bot token the fake accepts.
const Token = "123456:TEST-token-for-the-fake-bot-api"

// Sent is one call the bot made.
type Sent struct {
	Method  string
	ChatID  int64
	Text    string
	Buttons [][]Button // from reply_markup
	Params  map[string]string
	File    []byte // uploaded document, if any
	At      time.Time
}

// Button is one inline button the bot sent.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

// Fault is an injected answer: a status code and, for 429, retry_after.
type Fault struct {
	Status     int
	RetryAfter int
}

// Server is the fake. Safe for concurrent use.
type Server struct {
	*httptest.Server
	mu      sync.Mutex
	cond    *sync.Cond
	updates []json.RawMessage
	nextID  int
	msgID   int
	sent    []Sent
	faults  map[string][]Fault
	calls   map[string]int
	times   map[string][]time.Time
	offsets []int
	// down makes the calls of these methods fail until Up.
	down    map[string]int
	groups  map[int64]Group
	webhook map[string]any
	// Now is the clock used to stamp Sent.At (defaults to time.Now).
	Now func() time.Time
}

// New starts a fake Bot API on loopback; it stops with the test.
func New(t testing.TB) *Server {
	s := &Server{nextID: 1, faults: map[string][]Fault{}, calls: map[string]int{}, down: map[string]int{}, times: map[string][]time.Time{}, Now: time.Now}
	s.cond = sync.NewCond(&s.mu)
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
		s.Close()
	})
	return s
}

// Endpoint is the tgbotapi endpoint format pointing at the fake.
func (s *Server) Endpoint() string { return s.URL + "/bot%s/%s" }

// User is who sends an update.
type User struct {
	ID   int64
	Lang string // language_code
}

// PushText queues a private text message from u.
func (s *Server) PushText(u User, text string) {
	s.push(map[string]any{"message": s.message(u, map[string]any{"text": text})})
}

// PushCallback queues a press on a button with data.
func (s *Server) PushCallback(u User, data string) {
	s.mu.Lock()
	id := strconv.Itoa(s.nextID)
	s.mu.Unlock()
	s.push(map[string]any{"callback_query": map[string]any{
		"id": "cb" + id, "from": from(u), "data": data,
		"message": s.message(u, map[string]any{"text": "…"}),
	}})
}

// PushForwarded queues a private message from u forwarding someone
// else's text (forward_origin, as Bot API 7.0 sends it).
func (s *Server) PushForwarded(u User, text string) {
	s.push(map[string]any{"message": s.message(u, map[string]any{
		"text": text, "forward_origin": map[string]any{"type": "hidden_user", "date": time.Now().Unix(), "sender_user_name": "Someone"},
	})})
}

// PushRaw queues an update given as JSON without its update_id.
func (s *Server) PushRaw(update map[string]any) { s.push(update) }

// Message builds a message object from u with extra fields (for PushRaw).
func (s *Server) Message(u User, extra map[string]any) map[string]any { return s.message(u, extra) }

func from(u User) map[string]any {
	return map[string]any{"id": u.ID, "is_bot": false, "first_name": "Test", "language_code": u.Lang}
}

func (s *Server) message(u User, extra map[string]any) map[string]any {
	m := map[string]any{
		"message_id": 1, "date": time.Now().Unix(), "from": from(u),
		"chat": map[string]any{"id": u.ID, "type": "private", "first_name": "Test"},
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func (s *Server) push(update map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	update["update_id"] = s.nextID
	s.nextID++
	b, _ := json.Marshal(update)
	s.updates = append(s.updates, b)
	s.cond.Broadcast()
}

// Fail makes the next calls of method answer with the given faults, in
// order, before it answers normally again.
func (s *Server) Fail(method string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], faults...)
}

// Dropped is the status Down takes to close the connection without an
// answer, as an unreachable server would.
const Dropped = -1

// Down makes every call of methods answer status (a 5xx, or Dropped)
// until Up: a Bot API outage.
func (s *Server) Down(status int, methods ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range methods {
		s.down[m] = status
	}
}

// Up ends every outage Down began.
func (s *Server) Up() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = map[string]int{}
}

// Offsets returns the offset of every getUpdates call, in order: what
// the bot confirmed to Telegram.
func (s *Server) Offsets() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.offsets...)
}

// CallTimes returns when method was called, faults included.
func (s *Server) CallTimes(method string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.times[method]...)
}

// Calls returns how many times method was called, faults included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Sent returns every successful call of method ("" for all methods).
func (s *Server) Sent(method string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, m := range s.sent {
		if method == "" || m.Method == method {
			out = append(out, m)
		}
	}
	return out
}

// Messages returns the sendMessage calls to one chat.
func (s *Server) Messages(chatID int64) []Sent {
	var out []Sent
	for _, m := range s.Sent("sendMessage") {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// WaitMessages waits until chat has received at least n messages, and
// returns them; it fails the test after timeout.
func (s *Server) WaitMessages(t testing.TB, chatID int64, n int, timeout time.Duration) []Sent {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := s.Messages(chatID)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("chat %d: got %d messages, want %d: %+v", chatID, len(got), n, got)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(parts) != 2 || parts[0] != "bot"+Token {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	method := parts[1]
	params, file := readParams(r)
	s.mu.Lock()
	s.calls[method]++
	s.times[method] = append(s.times[method], time.Now())
	if method == "getUpdates" {
		off, _ := strconv.Atoi(params["offset"])
		s.offsets = append(s.offsets, off)
	}
	if status, ok := s.down[method]; ok {
		s.mu.Unlock()
		writeDown(w, status)
		return
	}
	if f := s.faults[method]; len(f) > 0 {
		s.faults[method] = f[1:]
		s.mu.Unlock()
		writeFault(w, f[0])
		return
	}
	s.mu.Unlock()
	switch method {
	case "getMe":
		writeOK(w, map[string]any{"id": 1, "is_bot": true, "first_name": "anefbot", "username": "anefbot_test_bot"})
	case "getUpdates":
		s.getUpdates(w, params)
	case "getChat", "getChatMember":
		s.group(w, method, params)
	case "getWebhookInfo":
		s.mu.Lock()
		info := map[string]any{"url": "", "pending_update_count": 0}
		for k, v := range s.webhook {
			info[k] = v
		}
		s.mu.Unlock()
		writeOK(w, info)
	case "sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup":
		writeOK(w, s.record(method, params, file))
	default:
		s.record(method, params, file)
		writeOK(w, true)
	}
}

// SetWebhook sets what getWebhookInfo answers: the registered URL and
// Telegram's last delivery error (none when empty), at time at.
func (s *Server) SetWebhook(url, lastError string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = map[string]any{"url": url}
	if lastError != "" {
		s.webhook["last_error_message"] = lastError
		s.webhook["last_error_date"] = at.Unix()
	}
}

// Group is a group the fake knows: getChat and getChatMember (for the
// bot) answer from it; any other chat is "chat not found".
type Group struct {
	Title   string
	IsForum bool
	// BotStatus is the bot's membership ("administrator", "member"…).
	BotStatus       string
	CanManageTopics bool
}

// AddGroup makes a group known to the fake.
func (s *Server) AddGroup(id int64, g Group) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups == nil {
		s.groups = map[int64]Group{}
	}
	s.groups[id] = g
}

func (s *Server) group(w http.ResponseWriter, method string, params map[string]string) {
	id, _ := strconv.ParseInt(params["chat_id"], 10, 64)
	s.mu.Lock()
	g, ok := s.groups[id]
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: chat not found"})
		return
	}
	if method == "getChat" {
		writeOK(w, map[string]any{"id": id, "type": "supergroup", "title": g.Title, "is_forum": g.IsForum})
		return
	}
	member := map[string]any{"status": g.BotStatus, "user": map[string]any{"id": 1, "is_bot": true, "first_name": "anefbot"}}
	if g.BotStatus == "administrator" {
		member["can_manage_topics"] = g.CanManageTopics
	}
	writeOK(w, member)
}

func (s *Server) record(method string, params map[string]string, file []byte) map[string]any {
	chat, _ := strconv.ParseInt(params["chat_id"], 10, 64)
	m := Sent{Method: method, ChatID: chat, Text: params["text"], Params: params, File: file, At: s.Now()}
	if rm := params["reply_markup"]; rm != "" {
		var kb struct {
			InlineKeyboard [][]Button `json:"inline_keyboard"`
		}
		_ = json.Unmarshal([]byte(rm), &kb)
		m.Buttons = kb.InlineKeyboard
	}
	s.mu.Lock()
	s.msgID++
	id := s.msgID
	s.sent = append(s.sent, m)
	s.mu.Unlock()
	return map[string]any{"message_id": id, "date": time.Now().Unix(), "chat": map[string]any{"id": chat, "type": "private"}, "text": m.Text}
}

func (s *Server) getUpdates(w http.ResponseWriter, params map[string]string) {
	offset, _ := strconv.Atoi(params["offset"])
	timeout, _ := strconv.Atoi(params["timeout"])
	wait := time.Duration(min(timeout, 1)) * time.Second // keep tests quick
	deadline := time.Now().Add(wait)
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		var out []json.RawMessage
		for _, u := range s.updates {
			var head struct {
				ID int `json:"update_id"`
			}
			_ = json.Unmarshal(u, &head)
			if head.ID >= offset {
				out = append(out, u)
			}
		}
		if len(out) > 0 || time.Now().After(deadline) {
			writeOK(w, out)
			return
		}
		timer := time.AfterFunc(50*time.Millisecond, func() {
			s.mu.Lock()
			s.cond.Broadcast()
			s.mu.Unlock()
		})
		s.cond.Wait()
		timer.Stop()
	}
}

func readParams(r *http.Request) (map[string]string, []byte) {
	params := map[string]string{}
	var file []byte
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(32 << 20); err == nil {
			for k, v := range r.MultipartForm.Value {
				params[k] = v[0]
			}
			for _, fhs := range r.MultipartForm.File {
				if f, err := fhs[0].Open(); err == nil {
					file, _ = io.ReadAll(f)
					params["filename"] = fhs[0].Filename
					f.Close()
				}
			}
		}
		return params, file
	}
	_ = r.ParseForm()
	for k, v := range r.PostForm {
		params[k] = v[0]
	}
	return params, nil
}

func writeOK(w http.ResponseWriter, result any) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": result})
}

func writeFault(w http.ResponseWriter, f Fault) {
	body := map[string]any{"ok": false, "error_code": f.Status, "description": fmt.Sprintf("fault %d", f.Status)}
	if f.Status == http.StatusTooManyRequests {
		body["description"] = fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
		body["parameters"] = map[string]any{"retry_after": f.RetryAfter}
	}
	writeJSON(w, f.Status, body)
}

func writeDown(w http.ResponseWriter, status int) {
	if status == Dropped {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		status = http.StatusBadGateway
	}
	writeFault(w, Fault{Status: status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
