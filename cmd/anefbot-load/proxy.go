package main

import (
	"io"
	"net"
	"net/url"
	"sync/atomic"
)

// tripProxy sits between the bot and Redis and counts round trips: a
// client waits for each answer before it sends again on a connection
// (a pipeline is written at once), so every read from the bot's side is
// one round trip. It costs the run some latency, not the bot CPU.
type tripProxy struct {
	ln     net.Listener
	target string
	trips  atomic.Int64
}

func newTripProxy(target string) (*tripProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &tripProxy{ln: ln, target: target}
	go p.accept()
	return p, nil
}

// url returns redisURL with its host replaced by the proxy's.
func (p *tripProxy) url(redisURL string) (string, error) {
	u, err := url.Parse(redisURL)
	if err != nil {
		return "", err
	}
	u.Host = p.ln.Addr().String()
	return u.String(), nil
}

func (p *tripProxy) close() { p.ln.Close() }

func (p *tripProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.serve(c)
	}
}

func (p *tripProxy) serve(c net.Conn) {
	defer c.Close()
	r, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer r.Close()
	go func() { _, _ = io.Copy(c, r); c.Close() }()
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			p.trips.Add(1)
			if _, werr := r.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
