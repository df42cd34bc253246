package redistest

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a redis-server process of the test's own, on a free port,
// with AOF persistence in a temporary directory: a test stops it (an
// outage) and starts it again with its data, as a production Redis with
// AOF comes back.
type Server struct {
	t    testing.TB
	port int
	dir  string
	cmd  *exec.Cmd
	// Backend points at the server; its Client reconnects after a
	// restart.
	Backend
}

// Private starts a private redis-server for the test. It skips when
// redis-server is not installed, unless Required, in which case it fails.
func Private(t testing.TB) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if Required() {
			t.Fatal("ANEFBOT_REQUIRE_REDIS=1 but redis-server is not installed")
		}
		t.Skip("redis-server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{t: t, port: port, dir: t.TempDir()}
	s.Start()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	t.Cleanup(func() { c.Close(); s.Stop() })
	s.Backend = Backend{Name: "redis-server", URL: "redis://" + addr + "/0", Client: c, Prefix: Prefix()}
	return s
}

// Start runs the server (again), with the data its AOF kept, and waits
// until it answers.
func (s *Server) Start() {
	s.t.Helper()
	s.cmd = exec.Command("redis-server", "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", s.dir)
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(s.port), MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			s.t.Fatal("redis-server did not answer within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stop shuts the server down (SIGTERM: it writes its AOF and exits) and
// waits until it is gone.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
}

// String names the server in test output.
func (s *Server) String() string { return fmt.Sprintf("redis-server on port %d", s.port) }
