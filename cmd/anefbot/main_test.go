package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// The terminal mode, as `go run ./cmd/anefbot` without a token: the
// embedded store is announced, buttons are numbered, a number presses one,
// dates and commands are typed.
func TestTerminalConversation(t *testing.T) {
	script := strings.Join([]string{
		"4",          // filed, only an attestation de dépôt
		"31/02/2027", // impossible date
		"15/03/2027",
		"1", // yes
		"20/11/2026",
		"1", // yes
		"1", // complete file -> plan
		"/language",
		"2", // English
		"/restart",
	}, "\n") + "\n"
	var out, errs bytes.Buffer
	m := &Main{
		Getenv: func(k string) string { return map[string]string{"ANEFBOT_LANG": "fr-FR"}[k] },
		Stdin:  strings.NewReader(script), Stdout: &out, Stderr: &errs,
		Clock: func() time.Time { return testNow },
	}
	defer m.Close()
	if err := m.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	// The start-up lines follow the person's language (here fr-FR).
	for _, want := range []string{"mémoire intégrée (miniredis)", "REDIS_URL=redis://localhost:6379/0", "utilisateur Telegram 1", "ADMIN_IDS=1", "Ctrl-C"} {
		if !strings.Contains(errs.String(), want) {
			t.Errorf("start-up lines lack %q:\n%s", want, errs.String())
		}
	}
	text := out.String()
	for _, want := range []string{
		"Bonjour ! Je suis anefbot",
		"  [4] J'ai déposé, j'ai l'« attestation de dépôt »",
		"  [15] 🌐 Langue / Language",
		"Je n'ai pas compris cette date",
		"Vous avez écrit : 15/03/2027",
		"Vous avez déposé le 20/11/2026, dans la période prévue (du 15/11/2026 au 14/01/2027)",
		"Choisissez votre langue",
		"Language: English.",
		"Your answers are erased",
		"What is your situation?",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("terminal output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
}

func TestConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := LoadConfig(env())
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if c.Mode != "polling" || c.SessionTTL != 90*24*time.Hour || c.Workers != 64 || c.RedisPrefix != "anef:" {
		t.Errorf("defaults = %+v", c)
	}
	c, err = LoadConfig(env("TELEGRAM_BOT_TOKEN", "123:SECRET", "REDIS_URL", "redis://:pw@host:6379/2", "ADMIN_IDS", "12, 34", "WEBHOOK_SECRET", "hush"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.AdminIDs) != 2 || c.AdminIDs[1] != 34 {
		t.Errorf("admins = %v", c.AdminIDs)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, c); strings.Contains(s, "SECRET") || strings.Contains(s, "pw@") || strings.Contains(s, "hush") {
			t.Errorf("%s prints a secret: %s", verb, s)
		}
	}
	for _, bad := range [][]string{
		{"MODE", "carrier-pigeon"},
		{"MODE", "webhook"},
		{"SESSION_TTL", "soon"},
		{"WORKERS", "0"},
		{"ADMIN_IDS", "12,bob"},
		{"TELEGRAM_API_ENDPOINT", "http://127.0.0.1:8081/"},
		{"LOG_LEVEL", "loud"},
	} {
		if _, err := LoadConfig(env(bad...)); err == nil {
			t.Errorf("%s=%s accepted", bad[0], bad[1])
		}
	}
}

// The README's settings table lists every setting the program reads.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(string(readme), "`"+s.Name+"`") {
			t.Errorf("README.md does not document %s", s.Name)
		}
	}
}

func TestUnknownSubcommand(t *testing.T) {
	var errs bytes.Buffer
	m := &Main{Getenv: func(string) string { return "" }, Stderr: &errs, Stdout: &errs}
	if err := m.Run(context.Background(), []string{"frobnicate"}); err == nil || !strings.Contains(errs.String(), "usage: anefbot") {
		t.Errorf("err = %v, stderr = %s", err, errs.String())
	}
}

// `anefbot messages` shows every message of every language, filled in.
func TestMessagesPreview(t *testing.T) {
	var out bytes.Buffer
	m := &Main{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &out}
	if err := m.Run(context.Background(), []string{"messages"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# fr (reviewed)", "[start_greeting]\nBonjour", "[date_confirm]\nYou wrote: 15/03/2027"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if strings.Contains(out.String(), "<no value>") {
		t.Error("preview renders a missing argument")
	}
	if err := m.Run(context.Background(), []string{"messages", "xx"}); err == nil {
		t.Error("unknown language accepted")
	}
}

// The start-up lines are in the terminal's language: LANG when
// ANEFBOT_LANG is unset, French when the language is not one the bot
// speaks.
func TestStartupLinesFollowTheLanguage(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"LANG en", map[string]string{"LANG": "en_GB.UTF-8"}, []string{"embedded in-memory store (miniredis)", "you are Telegram user 1"}},
		{"ANEFBOT_LANG es over LANG", map[string]string{"LANG": "en_GB.UTF-8", "ANEFBOT_LANG": "es"}, []string{"memoria integrada (miniredis)", "usuario de Telegram 1"}},
		{"unknown language", map[string]string{"LANG": "C"}, []string{"mémoire intégrée (miniredis)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errs bytes.Buffer
			m := &Main{Getenv: func(k string) string { return tc.env[k] }, Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &errs, Clock: func() time.Time { return testNow }}
			defer m.Close()
			if err := m.Run(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs.String(), w) {
					t.Errorf("start-up lines lack %q:\n%s", w, errs.String())
				}
			}
		})
	}
}

// Ctrl-C in the terminal ends the program at once, while it waits for a
// line (the input stays open, as a terminal does).
func TestTerminalQuitsOnInterruptWithoutEnter(t *testing.T) {
	in, w := io.Pipe()
	defer w.Close()
	var out lockedBuffer
	m := &Main{Getenv: func(string) string { return "" }, Stdin: in, Stdout: &out, Stderr: io.Discard, Clock: func() time.Time { return testNow }}
	defer m.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, nil) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "> ") { // the greeting is out, the prompt waits
		if time.Now().After(deadline) {
			t.Fatalf("no prompt:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the program still waits for Enter after Ctrl-C")
	}
}
