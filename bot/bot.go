// Package bot is anefbot's shell around the pure conversation engine:
// it takes transport-neutral Updates, loads the person's session, runs the
// engine, saves the session atomically, runs the effects, renders the
// replies in the person's language and hands them to a Sender.
//
// The sub-packages each own one technology (telegram, terminal, the Redis
// store) and meet here, at the small interfaces below.
package bot

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/anefbot/anefbot/flows"
)

// Kind says what an update carries.
type Kind int

const (
	// Message is a text message (or command) in a chat.
	Message Kind = iota
	// Callback is a press on an inline button.
	Callback
	// Unsupported is anything else (a sticker, a photo, an edit…).
	Unsupported
)

// Update is one event from a transport, stripped of its wire format.
type Update struct {
	ID         int64 // transport's update ID (0 when it has none)
	Kind       Kind
	ChatID     int64
	Private    bool // a one-to-one chat with the bot
	UserID     int64
	LangCode   string // the client's language setting, e.g. "pt-br"
	Text       string
	Data       string // button data (Callback)
	CallbackID string // to acknowledge a button press
	Edited     bool   // an edit of an earlier message (Unsupported)
	// Forwarded marks a message forwarded from elsewhere (Unsupported):
	// its words are not the person's own, so it never answers a question.
	Forwarded bool
	// Inline, set by a transport that can acknowledge a press in its own
	// answer to the update (a webhook's response), takes the place of the
	// request Ack would make; nil otherwise.
	Inline *InlineAck
}

// InlineAck carries a button press's acknowledgement back to the
// transport that received the press: Telegram executes one Bot API call
// given in the answer to a webhook post, so the press costs no request of
// its own. Safe for concurrent use.
type InlineAck struct {
	mu sync.Mutex
	id string
}

// Take claims the acknowledgement for callbackID (Bot.Ack does); false
// when another was claimed already.
func (a *InlineAck) Take(callbackID string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.id == "" {
		a.id = callbackID
	}
	return a.id == callbackID
}

// Taken returns the callback ID to acknowledge in the answer, if the bot
// acknowledged the press.
func (a *InlineAck) Taken() (callbackID string, ok bool) {
	if a == nil {
		return "", false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.id, a.id != ""
}

// Button is one inline button: its label and the data it sends back.
type Button struct {
	Text string
	Data string
}

// Out is one message to send: a text with buttons, or a document with a
// caption (Text).
type Out struct {
	ChatID   int64
	Text     string
	Buttons  [][]Button // one row per slice
	Document *Document
	// Background marks messages nobody is waiting for right now
	// (reminders, broadcasts): the outbox sends replies to people who are
	// typing first.
	Background bool
	// Erased marks the answer to /forget, sent once everything about the
	// person is erased: whatever Telegram answers (a 403 included), the
	// sender must write nothing about the chat.
	Erased bool
}

// Document is a file sent to the person (a letter, a calendar).
type Document struct {
	Name string // file name shown, e.g. "lettre-prefecture.pdf"
	Data []byte
}

// Sender delivers messages. Implementations must be safe for concurrent
// use; Send returns only once the message is accepted (or failed for good).
type Sender interface {
	Send(ctx context.Context, m Out) error
	// Ack acknowledges a button press so the client stops its spinner.
	Ack(ctx context.Context, callbackID string) error
}

// ErrConflict is returned by SessionStore.Save when the session changed
// since it was loaded.
var ErrConflict = errors.New("session changed concurrently")

// SessionStore keeps one session per chat. Implementations are safe for
// concurrent use.
type SessionStore interface {
	// Load returns the chat's session, or a zero Session (Version 0) when
	// there is none.
	Load(ctx context.Context, chatID int64) (flows.Session, error)
	// Save stores s if the stored version is still s.Version, and returns
	// the new version; otherwise it returns ErrConflict and changes nothing.
	Save(ctx context.Context, chatID int64, s flows.Session) (int64, error)
}

// Handler handles one update.
type Handler func(ctx context.Context, u Update) error

// Middleware wraps the update path: de-duplication, rate limits, and the
// features that take some updates before the conversation engine does
// (volunteer commands, reminder buttons…). It receives the Bot to load
// sessions and send replies with. Middlewares run in the order given,
// the first one outermost.
type Middleware func(b *Bot, next Handler) Handler

// EffectFunc carries out one engine effect for a chat after its session
// is saved (s is the saved session). It may reply through b.
type EffectFunc func(ctx context.Context, b *Bot, chatID int64, s flows.Session, e flows.Effect) error

// Forgetter erases everything one feature keeps about a chat, for /forget.
// It returns message IDs naming what it erased (none when it held
// nothing), so the person is told exactly what is gone.
type Forgetter func(ctx context.Context, chatID int64) (erased []string, err error)

// Clock tells the time; tests use a fixed one.
type Clock func() time.Time

// Errors a Sender returns, translated once from the transport's own, so
// the outbox can act on them.
var (
	// ErrUnreachable: the person blocked the bot, or the chat is gone
	// (Telegram 403, or 400 "chat not found"). Never retried.
	ErrUnreachable = errors.New("chat unreachable")
	// ErrRejected: the request itself is wrong (other 400s). Never retried.
	ErrRejected = errors.New("request rejected")
	// ErrStopped: the process is stopping and did not send; the update
	// is to be handled again (after a restart, or by another replica).
	ErrStopped = errors.New("stopped before sending")
)

// RetryError says a send may succeed later: after RetryAfter when Telegram
// gave one (429), otherwise with backoff (5xx, network errors).
type RetryError struct {
	RetryAfter time.Duration
	Err        error
}

func (e *RetryError) Error() string { return "retry later: " + e.Err.Error() }
func (e *RetryError) Unwrap() error { return e.Err }
