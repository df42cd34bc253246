package crypt

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func newKey(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealHidesAndOpens(t *testing.T) {
	ring, err := NewKeyring(newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte(`{"a":{"exp":"2027-03-15","name":"Amina"}}`)
	sealed := ring.Seal(plain, []byte("session"))
	if bytes.Contains(sealed, []byte("2027")) || bytes.Contains(sealed, []byte("Amina")) {
		t.Fatalf("sealed value shows its content: %q", sealed)
	}
	if again := ring.Seal(plain, []byte("session")); bytes.Equal(again, sealed) {
		t.Error("two seals of the same value are equal: the nonce is not random")
	}
	got, err := ring.Open(sealed, []byte("session"))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v; want %q", got, err, plain)
	}
}

// A new key is added: data sealed with the old one is still read, and new
// data is sealed with the new one (the old key alone cannot read it).
func TestRotation(t *testing.T) {
	oldKey, newK := newKey(t), newKey(t)
	before, _ := NewKeyring(oldKey)
	sealedOld := before.Seal([]byte("old answer"), nil)

	after, err := NewKeyring(newK, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := after.Open(sealedOld, nil); err != nil || string(got) != "old answer" {
		t.Fatalf("after rotation, old value: %q, %v", got, err)
	}
	sealedNew := after.Seal([]byte("new answer"), nil)
	if _, err := before.Open(sealedNew, nil); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("old ring opened a value sealed with the new key: %v", err)
	}
	// Once the old key is dropped, its values are unreadable, not garbage.
	dropped, _ := NewKeyring(newK)
	if _, err := dropped.Open(sealedOld, nil); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("dropped key: got %v, want ErrUnknownKey", err)
	}
}

func TestOpenRefusesTamperingAndMisplacedValues(t *testing.T) {
	ring, _ := NewKeyring(newKey(t))
	sealed := ring.Seal([]byte("15/03/2027"), []byte("chat-1"))
	flipped := append([]byte(nil), sealed...)
	flipped[len(flipped)-1] ^= 1
	for name, tc := range map[string]struct {
		data []byte
		aad  string
	}{
		"bit flipped":   {flipped, "chat-1"},
		"truncated":     {sealed[:header-1], "chat-1"},
		"other place":   {sealed, "chat-2"},
		"header only":   {sealed[:header], "chat-1"},
		"no ciphertext": {append([]byte(nil), magic...), "chat-1"},
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := ring.Open(tc.data, []byte(tc.aad)); err == nil {
				t.Fatalf("Open accepted it: %q", got)
			}
		})
	}
}

// Values written before a key was configured stay readable; without a
// key, sealed values are refused rather than returned as garbage.
func TestPlainValuesAndNilRing(t *testing.T) {
	ring, _ := NewKeyring(newKey(t))
	plain := []byte(`{"s":"triage"}`)
	if got, err := ring.Open(plain, nil); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("plain value through a ring: %q, %v", got, err)
	}
	var none *Keyring
	if got := none.Seal(plain, nil); !bytes.Equal(got, plain) {
		t.Fatalf("nil ring sealed: %q", got)
	}
	if _, err := none.Open(ring.Seal(plain, nil), nil); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("nil ring opened a sealed value: %v", err)
	}
	if none.Enabled() || !ring.Enabled() {
		t.Error("Enabled is wrong")
	}
}

func TestParseKeyring(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	std, url := base64.StdEncoding.EncodeToString(k1), base64.RawURLEncoding.EncodeToString(k2)
	ring, err := ParseKeyring(std, " "+url+" , ")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := NewKeyring(k2)
	if got, err := ring.Open(want.Seal([]byte("x"), nil), nil); err != nil || string(got) != "x" {
		t.Fatalf("old key from the list not used: %q %v", got, err)
	}
	if r, err := ParseKeyring("", ""); r != nil || err != nil {
		t.Fatalf("no settings: %v, %v", r, err)
	}
	short := base64.StdEncoding.EncodeToString(k1[:16])
	for name, tc := range map[string][2]string{
		"short key":       {short, ""},
		"not base64":      {"this is not a key at all!!", ""},
		"bad old key":     {std, "nope"},
		"old without new": {"", std},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseKeyring(tc[0], tc[1])
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), std) || strings.Contains(err.Error(), short) {
				t.Fatalf("error shows the key: %v", err)
			}
		})
	}
}

func TestCurrentNamesKeyWithoutShowingIt(t *testing.T) {
	k := newKey(t)
	ring, _ := NewKeyring(k)
	if fp := ring.Current(); len(fp) != 2*idSize || strings.Contains(base64.StdEncoding.EncodeToString(k), fp) {
		t.Fatalf("fingerprint %q", fp)
	}
}

func BenchmarkSealOpen(b *testing.B) {
	ring, _ := NewKeyring(newKey(b))
	plain := bytes.Repeat([]byte("x"), 400) // a typical session
	aad := []byte("session")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ring.Open(ring.Seal(plain, aad), aad); err != nil {
			b.Fatal(err)
		}
	}
}
