package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// ChatHash identifies a chat in logs without revealing its Telegram ID:
// the same chat always gets the same short hash, so one person's updates
// can be followed, but the ID cannot be read back from the logs.
func ChatHash(chatID int64) string {
	sum := sha256.Sum256([]byte("anefbot-chat:" + strconv.FormatInt(chatID, 10)))
	return hex.EncodeToString(sum[:6])
}
