package wsgi

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// fastWriter is a ResponseWriter with net/http's fast paths: ReadFrom,
// and the deadlines http.ResponseController sets.
type fastWriter struct {
	h         http.Header
	status    int
	body      bytes.Buffer
	readFroms []int64 // bytes copied by each ReadFrom
	deadlines int
}

func (w *fastWriter) Header() http.Header { return w.h }
func (w *fastWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *fastWriter) Write(p []byte) (int, error) { w.WriteHeader(200); return w.body.Write(p) }
func (w *fastWriter) ReadFrom(r io.Reader) (int64, error) {
	w.WriteHeader(200)
	n, err := w.body.ReadFrom(r)
	w.readFroms = append(w.readFroms, n)
	return n, err
}
func (w *fastWriter) SetReadDeadline(time.Time) error  { return nil }
func (w *fastWriter) SetWriteDeadline(time.Time) error { w.deadlines++; return nil }

// io.Copy of a file to the response reaches the server's ReadFrom
// (sendfile) through the Server's writer, in pieces when a
// client_socket_timeout moves the write deadline on, and the access log
// counts the bytes.
func TestReadFromReachesServer(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 5000) // 80000 bytes
	file := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(file)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		if _, err := io.Copy(w, f); err != nil {
			t.Error(err)
		}
	})
	for _, tc := range []struct {
		name, ini string
		pieces    []int64
	}{
		{"no timeout", "[DEFAULT]\nclient_socket_timeout = 0\n", []int64{80000}},
		{"timeout", "[DEFAULT]\nclient_socket_timeout = 60\n", []int64{readFromChunk, readFromChunk, 80000 - 2*readFromChunk}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs := newCapture()
			s := &Server{conf: loadConf(t, tc.ini), handler: h, network: "tcp", o: ServerOptions{Log: logs.logger()}}
			st, err := s.settings()
			if err != nil {
				t.Fatal(err)
			}
			g := newGeneration(s, st, 1, nil)
			req, _ := http.NewRequest("GET", "/file", nil)
			req.RequestURI, req.RemoteAddr = "/file", "10.0.0.1:41234"
			w := &fastWriter{h: http.Header{}}
			g.ServeHTTP(w, req)
			if w.status != 200 || !bytes.Equal(w.body.Bytes(), data) {
				t.Fatalf("status %d, %d bytes", w.status, w.body.Len())
			}
			if len(w.readFroms) != len(tc.pieces) {
				t.Fatalf("ReadFrom copied %v, want %v", w.readFroms, tc.pieces)
			}
			for i := range tc.pieces {
				if w.readFroms[i] != tc.pieces[i] {
					t.Fatalf("ReadFrom copied %v, want %v", w.readFroms, tc.pieces)
				}
			}
			re := regexp.MustCompile(`"GET /file HTTP/1\.1" status: 200  len: 80000 `)
			logs.wait(t, "access line with the body's length", func(r logRec) bool { return re.MatchString(r.msg) })
		})
	}
}

// Over a real socket: a file body of known length (what net/http sends
// with sendfile) arrives whole, through the connection wrappers.
func TestFileBodyOverSocket(t *testing.T) {
	data := bytes.Repeat([]byte("goslo-wsgi-"), 200000) // 2.2 MB
	file := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(file)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		io.Copy(w, f)
	})
	s := startServer(t, loadConf(t, ""), h, ServerOptions{})
	c := &http.Client{Timeout: guard}
	for i := range 2 { // the second on the kept-alive connection
		resp, err := c.Get("http://" + s.Addr().String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("request %d: %d of %d bytes, %v", i, len(got), len(data), err)
		}
	}
	c.CloseIdleConnections()
}
