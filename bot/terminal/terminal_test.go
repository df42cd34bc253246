package terminal

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
)

// TestRunReturnsOnCancelWhileWaitingForALine: Ctrl-C quits at once, even
// when the person has not pressed Enter (the input is still open).
func TestRunReturnsOnCancelWhileWaitingForALine(t *testing.T) {
	in, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	term := New(in, io.Discard, "fr")
	errc := make(chan error, 1)
	go func() {
		errc <- term.Run(ctx, func(context.Context, bot.Update) error {
			close(started)
			return nil
		})
	}()
	<-started // /start handled: Run now waits for a line that never comes
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("Run = %v, want nil after cancel", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run still waits for a line after its context ended")
	}
}

// TestRunHandlesLinesInOrderUntilEOF: typed lines reach the bot in order,
// a number presses the latest message's button, and EOF ends the run.
func TestRunHandlesLinesInOrderUntilEOF(t *testing.T) {
	var out strings.Builder
	term := New(strings.NewReader("hello\n\n1\n/help\n"), &out, "en")
	if err := term.Send(context.Background(), bot.Out{Text: "q", Buttons: [][]bot.Button{{{Text: "Yes", Data: "y"}}}}); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := term.Run(context.Background(), func(_ context.Context, u bot.Update) error {
		got = append(got, u.Text+"|"+u.Data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "/start| hello| |y /help|"; strings.Join(got, " ") != want {
		t.Errorf("updates = %q, want %q", strings.Join(got, " "), want)
	}
}
