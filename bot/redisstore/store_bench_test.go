package redisstore_test

// Session encoding and its size in Redis. Target (docs/performance.md):
// a realistic session under 1 KiB in Redis.
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run Size -bench . -benchmem ./bot/redisstore/

import (
	"context"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/crypt"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

// midDiagnosis is a person halfway through a diagnosis: both dates of a
// filing without attestation de prolongation given, a third being
// confirmed, the answers a reminder is computed from, and a few steps of
// history for Back. (The reminders themselves are kept under keys of
// their own, not in the session.)
func midDiagnosis() flows.Session {
	return flows.Session{
		Version: 7,
		Flow:    flows.DiagnosisVersion,
		Lang:    "fr",
		State:   "t3_docs",
		History: []string{"situation", "t3_expiry", "t3_filed"},
		Answers: map[string]string{
			flows.KeySituation:   "t3",
			flows.KeyExpiry:      "2027-03-12",
			flows.KeyFiled:       "2026-11-02",
			flows.KeyDepartement: "93",
			flows.KeyOnANEF:      "yes",
			flows.KeyProcedure:   "renewal",
			flows.KeyTitle:       "salarie",
			flows.KeyAtRisk:      "job",
		},
		Pending: "2026-11-02",
		Seq:     12,
		Updated: time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC).Unix(),
	}
}

// codecs are the two ways a session is stored: plain JSON, and sealed
// with DATA_KEY (AES-256-GCM over the JSON), as in production.
func codecs(tb testing.TB) []struct {
	name  string
	codec redisstore.Codec
} {
	ring, err := crypt.ParseKeyring("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "")
	if err != nil {
		tb.Fatal(err)
	}
	return []struct {
		name  string
		codec redisstore.Codec
	}{
		{"plain", redisstore.JSON{}},
		{"sealed", crypt.SessionCodec{Keys: ring, Plain: redisstore.JSON{}}},
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, c := range codecs(b) {
		b.Run(c.name, func(b *testing.B) {
			s := midDiagnosis()
			var n int
			b.ReportAllocs()
			for b.Loop() {
				data, err := c.codec.Encode(s)
				if err != nil {
					b.Fatal(err)
				}
				n = len(data)
			}
			b.ReportMetric(float64(n), "bytes")
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, c := range codecs(b) {
		b.Run(c.name, func(b *testing.B) {
			data, err := c.codec.Encode(midDiagnosis())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.codec.Decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoadSave is one Load and one compare-and-swap Save of the
// realistic session, the two round trips of a step.
func BenchmarkLoadSave(b *testing.B) {
	run := func(b *testing.B, be redistest.Backend) {
		st := redisstore.New(be.Client, redisstore.WithPrefix(be.Prefix), redisstore.WithTTL(10*time.Minute))
		ctx := context.Background()
		s := midDiagnosis()
		s.Version = 0
		b.Cleanup(func() { _ = st.Delete(ctx, 1) })
		b.ReportAllocs()
		for b.Loop() {
			v, err := st.Save(ctx, 1, s)
			if err != nil {
				b.Fatal(err)
			}
			if s, err = st.Load(ctx, 1); err != nil || s.Version != v {
				b.Fatalf("load: version %d, err %v; want %d", s.Version, err, v)
			}
		}
	}
	b.Run("miniredis", func(b *testing.B) { run(b, redistest.Mini(b)) })
	b.Run("redis", func(b *testing.B) {
		be, ok := redistest.Real(b)
		if !ok {
			b.Skip("REDIS_URL not set")
		}
		run(b, be)
	})
}

// TestSessionSizeUnder1KiB: a session halfway through a diagnosis takes
// under 1 KiB, plain or sealed with DATA_KEY, as measured by Redis itself
// (MEMORY USAGE, key and overhead included) on a real server, and as
// encoded on miniredis (which cannot measure memory). A million people
// then fit in about 1 GB.
func TestSessionSizeUnder1KiB(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		for _, c := range codecs(t) {
			ctx := context.Background()
			st := redisstore.New(be.Client, redisstore.WithPrefix(be.Prefix), redisstore.WithTTL(time.Minute), redisstore.WithCodec(c.codec))
			s := midDiagnosis()
			s.Version = 0
			if _, err := st.Save(ctx, 1234567890, s); err != nil {
				t.Fatal(err)
			}
			size, err := be.Client.MemoryUsage(ctx, st.Key(1234567890)).Result()
			if be.Mini != nil {
				data, _ := c.codec.Encode(s)
				size, err = int64(len(data)), nil
			}
			_ = st.Delete(ctx, 1234567890)
			if err != nil {
				t.Fatalf("memory usage: %v", err)
			}
			t.Logf("%s, %s: session %d bytes", be.Name, c.name, size)
			if size >= 1024 {
				t.Errorf("%s session takes %d bytes in Redis, want under 1024", c.name, size)
			}
		}
	})
}
