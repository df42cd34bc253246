package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runMessages(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errs bytes.Buffer
	m := &Main{Getenv: func(string) string { return "" }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs}
	err := m.Run(context.Background(), append([]string{"messages"}, args...))
	return out.String() + errs.String(), err
}

// The review page for a translator: every message, French and the
// translation side by side, the translation right to left for Arabic,
// every plural form at 0, 1, 2, 3, 5, 11 and 100.
func TestMessagesReviewPage(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ar.html")
	if _, err := runMessages(t, "--html", "ar", "-o", file); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	for _, want := range []string{`<html lang="ar">`, `dir="rtl" lang="ar"`, "plan_footer", "(Count=0)", "(Count=2)", "(Count=11)", "(Count=100)"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if _, err := runMessages(t, "--html", "fr"); err == nil {
		t.Error("a page for the reference language")
	}
}

// --stamp records that a translation follows today's French, --reviewed
// marks it reviewed; the file is written where --dir says, nothing else.
func TestMessagesStampAndReviewed(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "review"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := runMessages(t, "--reviewed", "--dir", dir, "ar", "btn_back"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "review", "ar.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "btn_back = { from = ") || !strings.Contains(string(data), "reviewed = true }") {
		t.Errorf("status file:\n%s", data)
	}
	if _, err := runMessages(t, "--stamp", "--dir", dir, "ar", "no_such_message"); err == nil {
		t.Error("an unknown message was stamped")
	}
	out, err := runMessages(t, "--stale", "ar")
	if err != nil || !strings.Contains(out, "# ar:") {
		t.Errorf("--stale: %v\n%s", err, out)
	}
}
