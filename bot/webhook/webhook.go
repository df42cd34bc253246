// Package webhook receives Telegram updates over HTTPS posts, for several
// replicas behind a load balancer. A request is taken only with the
// secret Telegram was given (X-Telegram-Bot-Api-Secret-Token, compared in
// constant time) and a body under a cap; it is answered once Handle
// returns — in the bot, once the update is durable in its chat's inbox —
// so Telegram delivers again whatever a crash interrupted before, and
// sends the next update of the same chat only after it. A button press
// is acknowledged in that answer (Telegram executes one Bot API call
// given there), not by a request of its own.
package webhook

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/anefbot/anefbot/bot"
)

// SecretHeader is where Telegram puts the webhook's secret_token.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// DefaultMaxBody caps a request body: a Telegram update is a few KB.
const DefaultMaxBody = 1 << 20

// Results a request ends with, as reported to Options.Observe.
const (
	ResultOK           = "ok"
	ResultUnauthorized = "unauthorized"
	ResultTooLarge     = "too_large"
	ResultBadRequest   = "bad_request"
	ResultRetry        = "retry"
	ResultFailed       = "failed"
)

// Options configure a Handler.
type Options struct {
	Secret  string // required
	MaxBody int64  // default DefaultMaxBody
	// Decode reads an update; ok is false for updates with nothing to do.
	Decode func(body []byte) (u bot.Update, ok bool, err error)
	// Handle takes the update and returns when it is safe to confirm it
	// to Telegram (intake.Inbox.Admit: once it is durable).
	Handle func(ctx context.Context, u bot.Update) error
	// Retry reports errors worth a redelivery: the request then fails
	// with 503 and Telegram posts the update again later. Others are
	// logged and answered 200, so a poisoned update is not retried for
	// ever. nil: none.
	Retry   func(error) bool
	Observe func(result string) // may be nil
	Logger  *slog.Logger
}

// Handler is the webhook endpoint.
type Handler struct {
	opt    Options
	secret [32]byte
}

// New returns a Handler; it panics without a secret, Decode or Handle,
// which would be a wiring mistake.
func New(opt Options) *Handler {
	if opt.Secret == "" || opt.Decode == nil || opt.Handle == nil {
		panic("webhook: Secret, Decode and Handle are required")
	}
	if opt.MaxBody <= 0 {
		opt.MaxBody = DefaultMaxBody
	}
	if opt.Retry == nil {
		opt.Retry = func(error) bool { return false }
	}
	if opt.Observe == nil {
		opt.Observe = func(string) {}
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Handler{opt: opt, secret: sha256.Sum256([]byte(opt.Secret))}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	result, status, ack := h.serve(r)
	h.opt.Observe(result)
	if id, ok := ack.Taken(); ok && status == http.StatusOK {
		// Telegram executes the call given in the answer: the press is
		// acknowledged without a request of the bot's own.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"method": "answerCallbackQuery", "callback_query_id": id})
		return
	}
	w.WriteHeader(status)
}

// serve handles one post; ack, when not nil, holds a button press's
// acknowledgement to give in the answer.
func (h *Handler) serve(r *http.Request) (result string, status int, ack *bot.InlineAck) {
	if r.Method != http.MethodPost {
		return ResultBadRequest, http.StatusMethodNotAllowed, nil
	}
	if !h.authorized(r.Header.Get(SecretHeader)) {
		return ResultUnauthorized, http.StatusUnauthorized, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, h.opt.MaxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return ResultTooLarge, http.StatusRequestEntityTooLarge, nil
	case err != nil:
		return ResultBadRequest, http.StatusBadRequest, nil
	}
	u, ok, err := h.opt.Decode(body)
	if err != nil {
		h.opt.Logger.Warn("webhook: unreadable update", "err", err)
		return ResultBadRequest, http.StatusBadRequest, nil
	}
	if !ok {
		return ResultOK, http.StatusOK, nil
	}
	if u.Kind == bot.Callback {
		u.Inline = &bot.InlineAck{}
	}
	result, status = h.handle(r.Context(), u)
	return result, status, u.Inline
}

func (h *Handler) handle(ctx context.Context, u bot.Update) (string, int) {
	err := h.opt.Handle(ctx, u)
	switch {
	case err == nil:
		return ResultOK, http.StatusOK
	case h.opt.Retry(err) || ctx.Err() != nil:
		h.opt.Logger.Warn("update not handled, Telegram will deliver it again", "update_id", u.ID, "chat", bot.ChatHash(u.ChatID), "err", err)
		return ResultRetry, http.StatusServiceUnavailable
	default:
		h.opt.Logger.Error("handle update", "update_id", u.ID, "chat", bot.ChatHash(u.ChatID), "err", err)
		return ResultFailed, http.StatusOK
	}
}

// authorized compares hashes, so neither the secret's content nor its
// length leaks through timing.
func (h *Handler) authorized(got string) bool {
	sum := sha256.Sum256([]byte(got))
	return got != "" && subtle.ConstantTimeCompare(sum[:], h.secret[:]) == 1
}

// Server returns an HTTP server for the handler with timeouts, so slow or
// idle clients cannot hold connections: reading a request is bounded;
// writing allows for an update that waits for its chat.
func Server(addr string, path string, h http.Handler) *http.Server {
	mux := http.NewServeMux()
	mux.Handle(path, h)
	return &http.Server{
		Addr:              addr,
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
}
