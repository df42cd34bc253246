// Package terminal runs the conversation in a terminal: the bot's messages
// are printed, buttons appear as numbered choices, and the person types a
// number, free text or a /command. It is the same bot as on Telegram, for
// trying it without a token and for previewing texts.
package terminal

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/anefbot/anefbot/bot"
)

// ChatID is the chat the terminal plays.
const ChatID = 1

// Terminal is a bot.Sender that prints, and a reader of typed lines.
type Terminal struct {
	in   io.Reader
	out  io.Writer
	lang string

	mu      sync.Mutex
	buttons []bot.Button // of the latest message that had any
}

// New returns a terminal reading from in and writing to out; lang is the
// language code the person "has" (as Telegram's language_code).
func New(in io.Reader, out io.Writer, lang string) *Terminal {
	return &Terminal{in: in, out: out, lang: lang}
}

// Send implements bot.Sender.
func (t *Terminal) Send(_ context.Context, m bot.Out) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	b.WriteString("\n")
	if m.Document != nil {
		path, err := t.save(m.Document)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "[document %s, %d bytes, saved as %s]\n", m.Document.Name, len(m.Document.Data), path)
	}
	b.WriteString(m.Text)
	b.WriteString("\n")
	if len(m.Buttons) > 0 {
		t.buttons = t.buttons[:0]
		for _, row := range m.Buttons {
			for _, btn := range row {
				t.buttons = append(t.buttons, btn)
				fmt.Fprintf(&b, "  [%d] %s\n", len(t.buttons), btn.Text)
			}
		}
	}
	_, err := io.WriteString(t.out, b.String())
	return err
}

// save writes a document to a fresh temporary folder, so that a person
// trying the bot in a terminal can open it.
func (t *Terminal) save(d *bot.Document) (string, error) {
	dir, err := os.MkdirTemp("", "anefbot-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, filepath.Base(d.Name))
	return path, os.WriteFile(path, d.Data, 0o600)
}

// Ack implements bot.Sender; a terminal has no spinner.
func (t *Terminal) Ack(context.Context, string) error { return nil }

// Run reads lines until EOF or ctx ends, handing each to handle as an
// update, in order. It starts the conversation with /start. It returns as
// soon as ctx ends (Ctrl-C), even while waiting for a line: reading a
// terminal cannot be interrupted, so the lines are read by a goroutine
// that is left behind, blocked on the input, when the program exits.
func (t *Terminal) Run(ctx context.Context, handle func(context.Context, bot.Update) error) error {
	if err := handle(ctx, t.update("/start")); err != nil {
		return err
	}
	lines, done := t.read()
	for {
		fmt.Fprint(t.out, "> ")
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			fmt.Fprintln(t.out)
			return nil
		case line, ok = <-lines:
		}
		if !ok {
			fmt.Fprintln(t.out)
			return done()
		}
		if ctx.Err() != nil {
			return nil
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if err := handle(ctx, t.update(line)); err != nil {
			return err
		}
	}
}

// read starts reading lines of the input; the channel closes at EOF or on
// an error, which done then returns. One line is read ahead at most.
func (t *Terminal) read() (lines <-chan string, done func() error) {
	ch := make(chan string)
	var err error
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(t.in)
		sc.Buffer(make([]byte, 64*1024), 64*1024)
		for sc.Scan() {
			ch <- sc.Text()
		}
		err = sc.Err()
	}()
	// err is written before close(ch), and done is only called after the
	// channel was seen closed.
	return ch, func() error { return err }
}

// update turns a typed line into an update: a number picks a button of
// the latest message; anything else is a message.
func (t *Terminal) update(line string) bot.Update {
	u := bot.Update{ChatID: ChatID, UserID: ChatID, Private: true, LangCode: t.lang, Kind: bot.Message, Text: line}
	if n, err := strconv.Atoi(line); err == nil {
		t.mu.Lock()
		defer t.mu.Unlock()
		if n >= 1 && n <= len(t.buttons) {
			u.Kind, u.Text, u.Data = bot.Callback, "", t.buttons[n-1].Data
		}
	}
	return u
}
