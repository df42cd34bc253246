// Package intake guards the update path across replicas, in Redis:
//
//   - The inbox (Inbox): every transport admits an update to its chat's
//     inbox before confirming it to Telegram, so an update is never lost
//     once confirmed; chats are then handled one update at a time, in
//     order, independently of each other, and an update that fails for
//     a passing reason is handled again from the same state, without end.
//   - De-duplication: an update is handled once, whichever replica gets it
//     and however often Telegram delivers it (a webhook retried after a
//     timeout, long polling restarted after a crash). An update counts as
//     handled only once its handler returned; until then a redelivery is
//     handled again, so a process killed mid-update loses nothing.
//   - Per-chat exclusion: a short lease per chat, renewed while the update
//     runs, so two replicas never handle the same chat at the same time.
//     Order across replicas comes from the
//     inbox, filled in Telegram's order: Telegram sends one chat's
//     updates one at a time and waits for each webhook answer, which the
//     bot gives once the update is in the inbox (see docs/operations.md).
//
// A chat's keys carry its hash tag {c:<chat id>}, so each script touches
// one Redis Cluster slot; a handled update's mark is tagged {u:<update
// id>} (it does not name the person) and is only read and written with
// plain commands while the chat is held; the index of chats with an
// inbox has a tag of its own, {in}, and is never touched in a chat's
// script.
package intake
