// Package outbox is the one way out for every message the bot sends: it
// wraps the transport's bot.Sender and keeps within Telegram's limits.
//
//   - Pacing: at most Rate messages per second overall (spaced evenly, so
//     no second ever holds more) and ChatRate per chat sustained, with a
//     small per-chat burst so a step's two or three replies are not held.
//   - Two lanes: replies to people typing now (interactive) are always
//     picked before reminders and broadcasts (bot.Out.Background).
//   - Errors: a 429 pauses every send until its retry_after has passed;
//     5xx and network errors are retried with capped exponential backoff;
//     bot.ErrUnreachable and bot.ErrRejected are never retried, and an
//     unreachable chat is recorded in a Book so background messages to it
//     are dropped without a call to Telegram.
//   - Texts over Telegram's 4,096-character limit are split on paragraph
//     boundaries, the buttons going with the last part.
//
// Send blocks until its message is accepted or failed for good, as the
// bot.Sender contract says; messages of one chat leave in the order they
// were given and never two at the same time.
package outbox
