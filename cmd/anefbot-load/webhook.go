package main

import (
	"bytes"
	cryptorand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// secretHeader is where Telegram puts a webhook's secret_token.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// defaultMaxConnections is Telegram's max_connections when setWebhook
// names none.
const defaultMaxConnections = 40

// retryPause is how long a delivery that failed waits before it is tried
// again. Telegram's own pause is not documented; a short one keeps the
// run's latency figures about the bot rather than about the pause.
const retryPause = 250 * time.Millisecond

// webhookSender posts updates to the bot's replicas as Telegram posts to
// a webhook behind a load balancer: each post goes to a replica chosen at
// random; a chat's next update waits until its previous one was answered
// 2xx; any other answer, or no answer, means deliver again after a pause;
// at most max_connections (as given to setWebhook) posts are in flight.
type webhookSender struct {
	client *http.Client
	urls   []string // one per replica
	secret string
	slots  chan struct{} // a token per post in flight
	done   chan struct{} // closed when the run ends: deliveries stop

	mu    sync.Mutex
	chats map[int64][][]byte // chats with a post in flight: their updates waiting

	delivered atomic.Int64 // updates answered 2xx
	retried   atomic.Int64 // posts answered otherwise, or not at all
	waiting   atomic.Int64 // updates not yet answered 2xx
	// inAnswer is called with the Bot API method a replica gave in its
	// answer to a post (the bot acknowledges a press that way); nil: none.
	inAnswer func(method string)
	// held counts updates that waited for their chat's previous post:
	// without Telegram's one-at-a-time rule, two replicas would have had
	// the chat at once.
	held atomic.Int64
}

func newWebhookSender(urls []string, secret string, maxConns int) *webhookSender {
	if maxConns <= 0 {
		maxConns = defaultMaxConnections
	}
	// Keep-alive to every replica, as many idle connections as posts may
	// be in flight: a new connection per post would measure the dialling.
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        maxConns * len(urls),
		MaxIdleConnsPerHost: maxConns,
		IdleConnTimeout:     time.Minute,
	}
	return &webhookSender{
		client: &http.Client{Transport: tr, Timeout: 2 * time.Minute},
		urls:   urls, secret: secret,
		slots: make(chan struct{}, maxConns), done: make(chan struct{}),
		chats: map[int64][][]byte{},
	}
}

// close stops deliveries: updates still waiting are dropped.
func (s *webhookSender) close() {
	close(s.done)
	s.client.CloseIdleConnections()
}

// send delivers an update of chat after the chat's earlier ones.
func (s *webhookSender) send(chat int64, body []byte) {
	s.waiting.Add(1)
	s.mu.Lock()
	if queue, busy := s.chats[chat]; busy {
		s.held.Add(1)
		s.chats[chat] = append(queue, body)
		s.mu.Unlock()
		return
	}
	s.chats[chat] = nil
	s.mu.Unlock()
	go s.drain(chat, body)
}

// drain delivers body, then the chat's updates queued meanwhile, in order.
func (s *webhookSender) drain(chat int64, body []byte) {
	for {
		if !s.deliver(body) {
			return
		}
		s.mu.Lock()
		queue := s.chats[chat]
		if len(queue) == 0 {
			delete(s.chats, chat)
			s.mu.Unlock()
			return
		}
		body, s.chats[chat] = queue[0], queue[1:]
		s.mu.Unlock()
	}
}

// deliver posts body until a replica answers 2xx; false when the run
// ended first.
func (s *webhookSender) deliver(body []byte) bool {
	for {
		select {
		case s.slots <- struct{}{}:
		case <-s.done:
			return false
		}
		ok := s.post(body)
		<-s.slots
		if ok {
			s.delivered.Add(1)
			s.waiting.Add(-1)
			return true
		}
		s.retried.Add(1)
		select {
		case <-time.After(retryPause):
		case <-s.done:
			return false
		}
	}
}

func (s *webhookSender) post(body []byte) bool {
	req, err := http.NewRequest(http.MethodPost, s.urls[rand.IntN(len(s.urls))], bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(secretHeader, s.secret)
	resp, err := s.client.Do(req)
	if err != nil {
		return false
	}
	// Read to the end, so the connection is reused. A call given in a 2xx
	// answer is one Telegram would execute: counted, apart from requests.
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	var call struct {
		Method string `json:"method"`
	}
	if resp.StatusCode/100 == 2 && s.inAnswer != nil && json.Unmarshal(answer, &call) == nil && call.Method != "" {
		s.inAnswer(call.Method)
	}
	return resp.StatusCode/100 == 2
}

// randomSecret is a WEBHOOK_SECRET for one run.
func randomSecret() string {
	b := make([]byte, 16)
	_, _ = cryptorand.Read(b)
	return hex.EncodeToString(b)
}

// freeAddr returns a loopback address with a port free now, for a
// replica's LISTEN_ADDR. Another process could take it before the bot
// does; the bot then fails to start and the run says so.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
