package crypt

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of a key: AES-256.
const KeySize = 32

// magic starts every sealed value; plain values (JSON, numbers) never
// start with a zero byte, so the two cannot be confused.
var magic = []byte{0, 'a', 'e', '1'}

const (
	idSize    = 4
	nonceSize = 12
	header    = 4 + idSize + nonceSize
)

// Errors of Open and of key parsing.
var (
	// ErrUnknownKey: the value was sealed with a key the ring does not
	// hold (it was removed too early, or the data is not ours).
	ErrUnknownKey = errors.New("sealed with an unknown key")
	// ErrCorrupt: the value is sealed but was altered or truncated.
	ErrCorrupt = errors.New("sealed value corrupt")
	// ErrKey: a configured key is not 32 bytes of base64.
	ErrKey = errors.New("want 32 random bytes in base64 (openssl rand -base64 32)")
)

type key struct {
	id   [idSize]byte
	aead cipher.AEAD
	raw  []byte // for Derive only; never printed
}

// Keyring seals with its current key and opens with any of its keys. It
// is safe for concurrent use.
type Keyring struct {
	keys []key // current first
}

// NewKeyring returns a ring sealing with current and opening with current
// and old.
func NewKeyring(current []byte, old ...[]byte) (*Keyring, error) {
	k := &Keyring{}
	for _, raw := range append([][]byte{current}, old...) {
		if len(raw) != KeySize {
			return nil, ErrKey
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, fmt.Errorf("aes: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("gcm: %w", err)
		}
		k.keys = append(k.keys, key{id: fingerprint(raw), aead: aead, raw: append([]byte(nil), raw...)})
	}
	return k, nil
}

// ParseKeyring reads the settings: current is one base64 key, old a
// comma-separated list of base64 keys. Both empty: a nil ring (no
// encryption). Old keys without a current one are refused: nothing
// could be sealed.
func ParseKeyring(current, old string) (*Keyring, error) {
	current = strings.TrimSpace(current)
	if current == "" {
		if strings.TrimSpace(old) != "" {
			return nil, errors.New("old keys are set but no current key")
		}
		return nil, nil
	}
	cur, err := decodeKey(current)
	if err != nil {
		return nil, err
	}
	var olds [][]byte
	for _, f := range strings.Split(old, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		o, err := decodeKey(f)
		if err != nil {
			return nil, err
		}
		olds = append(olds, o)
	}
	return NewKeyring(cur, olds...)
}

// decodeKey accepts standard and URL-safe base64, padded or not. The key
// never appears in the error.
func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	return nil, ErrKey
}

// fingerprint names a key in sealed values without revealing it.
func fingerprint(raw []byte) [idSize]byte {
	sum := sha256.Sum256(append([]byte("anefbot-data-key:"), raw...))
	var id [idSize]byte
	copy(id[:], sum[:])
	return id
}

// Enabled reports whether values are sealed.
func (k *Keyring) Enabled() bool { return k != nil }

// Seal encrypts plain with the current key. aad binds the value to where
// it belongs (e.g. a key name): Open with another aad fails. A nil ring
// returns plain unchanged.
func (k *Keyring) Seal(plain, aad []byte) []byte {
	if k == nil {
		return plain
	}
	cur := k.keys[0]
	out := make([]byte, header, header+len(plain)+cur.aead.Overhead())
	copy(out, magic)
	copy(out[len(magic):], cur.id[:])
	nonce := out[len(magic)+idSize : header]
	if _, err := rand.Read(nonce); err != nil {
		panic("crypt: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	return cur.aead.Seal(out, nonce, plain, additional(out[:len(magic)+idSize], aad))
}

// Open decrypts a sealed value with whichever key sealed it. A value that
// is not sealed (written before a key was configured) is returned as it
// is, so turning encryption on loses nothing; it is sealed on its next
// write.
func (k *Keyring) Open(data, aad []byte) ([]byte, error) {
	if !IsSealed(data) {
		return data, nil
	}
	if len(data) < header {
		return nil, ErrCorrupt
	}
	if k == nil {
		return nil, ErrUnknownKey
	}
	id := data[len(magic) : len(magic)+idSize]
	for _, c := range k.keys {
		if !bytes.Equal(c.id[:], id) {
			continue
		}
		plain, err := c.aead.Open(nil, data[len(magic)+idSize:header], data[header:], additional(data[:len(magic)+idSize], aad))
		if err != nil {
			return nil, ErrCorrupt
		}
		return plain, nil
	}
	return nil, ErrUnknownKey
}

// IsSealed reports whether data was produced by Seal.
func IsSealed(data []byte) bool { return bytes.HasPrefix(data, magic) }

// Current returns the fingerprint of the sealing key in hex, for the
// start-up log: operators can tell which key is in use without seeing it.
func (k *Keyring) Current() string {
	if k == nil {
		return ""
	}
	return fmt.Sprintf("%x", k.keys[0].id)
}

// Derive returns a 32-byte key for another purpose, named by label,
// derived from the current key with HKDF-SHA256: the derived key reveals
// nothing of the data key, and two purposes never share a key. Replicas
// with the same DATA_KEY derive the same key. A nil ring returns nil.
func (k *Keyring) Derive(label string) []byte {
	if k == nil {
		return nil
	}
	out, err := hkdf.Key(sha256.New, k.keys[0].raw, nil, "anefbot:"+label, KeySize)
	if err != nil {
		panic("crypt: hkdf: " + err.Error()) // only for lengths HKDF cannot give
	}
	return out
}

func additional(head, aad []byte) []byte {
	return append(append(make([]byte, 0, len(head)+len(aad)), head...), aad...)
}
