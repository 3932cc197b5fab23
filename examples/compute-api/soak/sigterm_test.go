package soak

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goslo/goslo/internal/proctest"
)

// TestSIGTERM stops the service with SIGTERM while creates are in flight
// whose clients send their bodies slowly, and while keep-alive clients
// go on sending requests. oslo.service closes such connections without a
// response (pyref: the client of a request in flight gets nothing). Here
// every worker drains: it answers the requests in flight (with
// "Connection: close"), closes a connection only once it has been idle
// for the drain's idle time, and exits 0; after a restart on the same
// state_path every acknowledged create is there.
//
// Connections opened after the signal, or still in the kernel's accept
// queue when the workers stop accepting, are not served: the service is
// going away. So the clients that open a connection per request stop
// just before the signal; the keep-alive clients, whose connections the
// service has accepted, go on until it closes them.
func TestSIGTERM(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{2, 1} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			t.Parallel()
			testSIGTERM(t, workers)
		})
	}
}

func testSIGTERM(t *testing.T, workers int) {
	cfg := config{workers: workers, method: "mutate", buildDelay: 3600}
	s := startService(t, cfg, "")
	l := startLoad(t, s.addr, "term", *flagClients)
	l.waitOK(*flagSettle)
	l.waitEveryClient()
	pids := s.workers()

	// On every worker an idle keep-alive connection: its drain closes it
	// once it has been idle for the drain's idle time, which tells the
	// test that the worker is draining and that the time has passed.
	idle := map[int]*conn{}
	for attempt := 0; len(idle) < len(pids); attempt++ {
		if attempt == 100 {
			t.Fatalf("no idle connection landed on every worker of %v", pids)
		}
		k := &conn{addr: s.addr, keepAlive: true}
		if r, err := k.do("GET", "/", nil); err != nil || r.status != http.StatusOK {
			t.Fatalf("GET /: %v %v", r.status, err)
		}
		if _, owner := s.owner(k.localPort()); owner != 0 && idle[owner] == nil {
			idle[owner] = k
			continue
		}
		k.close()
	}

	// On every worker (at least) one slow create: its headers and half
	// its body are sent, and the worker has read them.
	var slow []*slowPost
	covered := map[int]bool{}
	for attempt := 0; len(covered) < len(pids); attempt++ {
		if attempt == 100 {
			t.Fatalf("no slow request landed on every worker of %v", pids)
		}
		p, err := startSlowPost(s.addr, fmt.Sprintf("slow-%d", attempt))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.c.Close() })
		s.waitFor(time.Minute, "a worker to read the slow request", func() bool {
			sock, owner := s.owner(p.localPort())
			p.owner = owner
			return owner != 0 && sock.rxQueue == 0
		})
		covered[p.owner] = true
		slow = append(slow, p)
	}

	l.stopFresh()
	s.signal(syscall.SIGTERM)
	t0 := time.Now()
	// Each idle connection is closed by its worker's drain...
	for pid, k := range idle {
		k.c.SetReadDeadline(time.Now().Add(time.Minute))
		n, err := k.br.Read(make([]byte, 1))
		if n != 0 || err == nil || errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("the idle connection to worker %d: read %d bytes, %v; want it closed", pid, n, err)
		}
		k.close()
	}
	drained := time.Since(t0)
	// ... while the slow requests, as long without a byte, are served.
	acked := map[string]string{}
	for _, p := range slow {
		r, err := p.finish()
		switch {
		case err != nil:
			t.Errorf("the slow create %s on worker %d: %v", p.name, p.owner, errClass(err))
		case r.status != http.StatusAccepted:
			t.Errorf("the slow create %s on worker %d: %d %.300s", p.name, p.owner, r.status, r.body)
		case !r.close:
			t.Errorf("the slow create %s was answered without Connection: close during the drain", p.name)
		default:
			id, _, err := serverID(r.body)
			if err != nil {
				t.Error(err)
				continue
			}
			acked[id] = p.name
		}
	}
	proctest.WaitFor(t, 2*time.Minute, "the keep-alive clients to be closed", func() bool { return l.running.Load() == 0 })
	if code := s.waitExit(2 * time.Minute); code != 0 {
		t.Errorf("exit status %d after SIGTERM", code)
	}
	r := l.finish()
	r.creates += int64(len(slow))
	r.note = fmt.Sprintf("%d slow creates answered, idle connections closed %v after SIGTERM, service exited %v after it",
		len(acked), drained.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))

	// Restarted on the same state_path, the service has every
	// acknowledged create.
	s2 := startService(t, cfg, s.dir)
	l.verify(s2.addr, &r, acked)
	expectNoFailure(t, l, r)
	if code := s2.stop(); code != 0 {
		t.Errorf("exit status %d after SIGTERM (restarted service)", code)
	}
}

// owner finds the service's end of the connection from clientPort, and
// the worker that accepted it (0 while it waits to be accepted).
func (s *service) owner(clientPort int) (tcpSocket, int) {
	sock, ok := serverSocket(s.port, clientPort)
	if !ok || sock.inode == 0 {
		return sock, 0
	}
	return sock, socketOwner(sock.inode, s.workers())
}

// slowPost is a create whose client sends its body in two halves, the
// second only when told to.
type slowPost struct {
	c     net.Conn
	name  string
	rest  []byte
	owner int // the worker that accepted it
}

func startSlowPost(addr, name string) (*slowPost, error) {
	c, err := net.DialTimeout("tcp", addr, requestTimeout)
	if err != nil {
		return nil, err
	}
	body := createBody(name)
	half := len(body) / 2
	head := fmt.Sprintf("POST /v2.1/servers HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\nContent-Type: application/json\r\n"+
		"X-Project-Id: %s\r\nX-User-Id: soak-user\r\nContent-Length: %d\r\n\r\n", addr, project, len(body))
	c.SetDeadline(time.Now().Add(requestTimeout))
	if _, err := io.WriteString(c, head+string(body[:half])); err != nil {
		c.Close()
		return nil, err
	}
	return &slowPost{c: c, name: name, rest: body[half:]}, nil
}

func (p *slowPost) localPort() int { return p.c.LocalAddr().(*net.TCPAddr).Port }

// finish sends the rest of the body and reads the response.
func (p *slowPost) finish() (response, error) {
	defer p.c.Close()
	p.c.SetDeadline(time.Now().Add(requestTimeout))
	if _, err := p.c.Write(p.rest); err != nil {
		return response{}, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(p.c), &http.Request{Method: "POST"})
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, body: data, close: resp.Close || strings.EqualFold(resp.Header.Get("Connection"), "close")}, nil
}
