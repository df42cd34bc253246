package bot

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync/atomic"
)

// chatHashKey is the deployment's secret behind ChatHash. Until the
// program sets it (SetChatHashKey) it is a random key of this process:
// hashes are then unlinkable, never reversible.
var chatHashKey atomic.Pointer[[]byte]

func init() {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic("bot: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	chatHashKey.Store(&k)
}

// SetChatHashKey sets the secret ChatHash is keyed with. Every replica of
// a deployment must get the same key, so that an operator can follow one
// chat across replicas (cmd/anefbot chooses it at start-up). The key
// itself is never logged.
func SetChatHashKey(key []byte) {
	k := append([]byte(nil), key...)
	chatHashKey.Store(&k)
}

// ChatHash identifies a chat in logs without revealing its Telegram ID:
// the same chat always gets the same short hash, so one person's updates
// can be followed, but the ID cannot be read back from the logs. It is an
// HMAC-SHA256 under the deployment's secret: Telegram IDs are few enough
// that an unkeyed hash would be reversed by trying them all.
func ChatHash(chatID int64) string {
	mac := hmac.New(sha256.New, *chatHashKey.Load())
	mac.Write([]byte("anefbot-chat:" + strconv.FormatInt(chatID, 10)))
	return hex.EncodeToString(mac.Sum(nil)[:6])
}
