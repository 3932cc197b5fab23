package soak

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"
)

// The load's HTTP client is written out on a net.Conn rather than taken
// from net/http's Transport, which silently sends an idempotent request
// again when a reused connection breaks: here every request is sent once,
// and its outcome, whatever it is, is counted.

// requestTimeout bounds one request, connection included.
const requestTimeout = 60 * time.Second

// project is the project every request of the tests is made in.
const project = "soak"

// response is what a request got back.
type response struct {
	status int
	body   []byte
	close  bool // the service asked to close the connection
}

// conn is one client's connection: kept alive between requests or not.
type conn struct {
	addr      string
	keepAlive bool
	c         net.Conn
	br        *bufio.Reader
	served    int // responses read on c
}

func (k *conn) do(method, path string, body []byte) (response, error) {
	if k.c == nil {
		c, err := net.DialTimeout("tcp", k.addr, requestTimeout)
		if err != nil {
			return response{}, err
		}
		k.c, k.br, k.served = c, bufio.NewReader(c), 0
	}
	k.c.SetDeadline(time.Now().Add(requestTimeout))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\nX-Project-Id: %s\r\nX-User-Id: soak-user\r\n", method, path, k.addr, project)
	if body != nil {
		fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	}
	if !k.keepAlive {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
	if _, err := io.WriteString(k.c, b.String()); err != nil {
		k.close()
		return response{}, err
	}
	resp, err := http.ReadResponse(k.br, &http.Request{Method: method})
	if err != nil {
		k.close()
		return response{}, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		k.close()
		return response{}, err
	}
	k.served++
	r := response{status: resp.StatusCode, body: data, close: resp.Close}
	if resp.Close || !k.keepAlive {
		k.close()
	}
	return r, nil
}

func (k *conn) close() {
	if k.c != nil {
		k.c.Close()
		k.c, k.br = nil, nil
	}
}

// localPort is the client's port of the open connection (0 when closed).
func (k *conn) localPort() int {
	if k.c == nil {
		return 0
	}
	return k.c.LocalAddr().(*net.TCPAddr).Port
}

// errClass names a failure briefly, for the counts in the test log.
func errClass(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EPIPE):
		return "broken pipe"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed without a response"
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return err.Error()
}

// createBody is the body of POST /v2.1/servers.
func createBody(name string) []byte {
	return fmt.Appendf(nil, `{"server": {"name": %q, "flavorRef": "1"}}`, name)
}

// serverID reads the id of a server document ({"server": {"id": ...}}).
func serverID(body []byte) (id, status string, err error) {
	var doc struct {
		Server struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"server"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", "", err
	}
	if doc.Server.ID == "" {
		return "", "", fmt.Errorf("no server id in %.200s", body)
	}
	return doc.Server.ID, doc.Server.Status, nil
}

// listAll pages through the project's servers (limit and marker, as a
// client of the API does) and returns their names by id.
func listAll(addr string) (map[string]string, error) {
	k := &conn{addr: addr, keepAlive: true}
	defer k.close()
	out := map[string]string{}
	marker := ""
	for pages := 0; pages < 100000; pages++ {
		path := "/v2.1/servers?limit=1000"
		if marker != "" {
			path += "&marker=" + marker
		}
		r, err := k.do("GET", path, nil)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", path, err)
		}
		if r.status != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %d %.300s", path, r.status, r.body)
		}
		var doc struct {
			Servers []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"servers"`
		}
		if err := json.Unmarshal(r.body, &doc); err != nil {
			return nil, fmt.Errorf("GET %s: %w", path, err)
		}
		for _, s := range doc.Servers {
			if _, dup := out[s.ID]; dup {
				return nil, fmt.Errorf("GET %s: server %s listed twice", path, s.ID)
			}
			out[s.ID] = s.Name
		}
		if len(doc.Servers) < 1000 {
			return out, nil
		}
		marker = doc.Servers[len(doc.Servers)-1].ID
	}
	return nil, fmt.Errorf("listing the servers did not end")
}

// createServer makes one server and returns its id.
func createServer(addr, name string) (string, error) {
	k := &conn{addr: addr}
	r, err := k.do("POST", "/v2.1/servers", createBody(name))
	if err != nil {
		return "", err
	}
	if r.status != http.StatusAccepted {
		return "", fmt.Errorf("POST /v2.1/servers: %d %.300s", r.status, r.body)
	}
	id, _, err := serverID(r.body)
	return id, err
}

// serverStatus returns a server's status (BUILD, ACTIVE).
func serverStatus(addr, id string) (string, error) {
	k := &conn{addr: addr}
	r, err := k.do("GET", "/v2.1/servers/"+id, nil)
	if err != nil {
		return "", err
	}
	if r.status != http.StatusOK {
		return "", fmt.Errorf("GET /v2.1/servers/%s: %d %.300s", id, r.status, r.body)
	}
	_, st, err := serverID(r.body)
	return st, err
}
