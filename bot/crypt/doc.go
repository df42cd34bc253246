// Package crypt encrypts what anefbot keeps about people at rest, with
// AES-256-GCM, so that a copy of the Redis data (a backup, an AOF file, a
// snapshot sent for debugging) does not reveal anyone's situation.
//
// A Keyring holds the current key, which seals, and older keys, which
// still open what they sealed: a new key is rolled out by making it
// current and keeping the previous one as old until every value sealed
// with it has expired or been rewritten. Each sealed value names its key
// by a short fingerprint, never by the key itself.
//
// A nil *Keyring is valid and does nothing: Seal returns its input and
// Open returns unsealed input as it is, so features can call them whether
// or not the operator configured a key.
package crypt
