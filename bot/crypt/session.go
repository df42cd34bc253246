package crypt

import (
	"fmt"

	"github.com/anefbot/anefbot/flows"
)

// SessionCoder is the shape of redisstore.Codec, declared here so that
// this package does not import the store.
type SessionCoder interface {
	Encode(flows.Session) ([]byte, error)
	Decode([]byte) (flows.Session, error)
}

// SessionCodec seals whole sessions: the answers, dates and choices of a
// person are unreadable at rest. Only the store's own version counter and
// the key's expiry stay in clear (they say nothing about the person).
type SessionCodec struct {
	Keys  *Keyring
	Plain SessionCoder // the encoding under the seal (redisstore.JSON)
}

// sessionAAD binds sealed sessions to their purpose, so a sealed value of
// another kind (a relayed message) cannot be passed off as a session.
var sessionAAD = []byte("session")

// Encode implements redisstore.Codec.
func (c SessionCodec) Encode(s flows.Session) ([]byte, error) {
	b, err := c.Plain.Encode(s)
	if err != nil {
		return nil, err
	}
	return c.Keys.Seal(b, sessionAAD), nil
}

// Decode implements redisstore.Codec.
func (c SessionCodec) Decode(b []byte) (flows.Session, error) {
	plain, err := c.Keys.Open(b, sessionAAD)
	if err != nil {
		return flows.Session{}, fmt.Errorf("open session: %w", err)
	}
	return c.Plain.Decode(plain)
}
