// Package intake guards the update path across replicas, in Redis:
//
//   - De-duplication: an update is handled once, whichever replica gets it
//     and however often Telegram delivers it (a webhook retried after a
//     timeout, long polling restarted after a crash). An update counts as
//     handled only once its handler returned; until then a redelivery is
//     handled again, so a process killed mid-update loses nothing.
//   - Per-chat exclusion: a short lease per chat, renewed while the update
//     runs, so two replicas never handle the same chat at the same time.
//     On one replica the bot.Pool already serialises a chat's updates;
//     the lease covers the others. Order across replicas comes from
//     Telegram itself, which sends one chat's updates one at a time and
//     waits for each webhook answer, which the bot gives only once the
//     update is handled (see docs/operations.md).
//
// A chat's keys carry its hash tag {c:<chat id>}, so each script touches
// one Redis Cluster slot; a handled update's mark is tagged {u:<update
// id>} (it does not name the person) and is only read and written with
// plain commands while the chat is held.
package intake
