// Command anefbot runs the bot: on Telegram when TELEGRAM_BOT_TOKEN is
// set, otherwise in the terminal. `anefbot flows` prints the diagnosis
// graph as Mermaid. See README.md for every setting.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Europe/Paris even on images without zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	stop()
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "anefbot:", err)
		os.Exit(1)
	}
}
