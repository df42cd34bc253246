// Package flows is anefbot's domain: the conversation engine, the diagnosis
// graph declared as data, the action plans and the deadline rules.
//
// The engine is a pure function of (Session, Input) returning the new
// Session, the Replies to show and the Effects for the shell to carry out.
// It does no I/O, knows nothing of Telegram or Redis, and imports only the
// standard library and github.com/looplab/fsm, so every path of the
// conversation can be tested in microseconds.
//
// Replies are message IDs with arguments, never rendered text: rendering in
// the person's language happens at the edge (package locales and bot).
//
// Every legal rule coded here cites the section of the project's domain
// brief (anef.md §N) it comes from.
package flows
