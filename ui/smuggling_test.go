package ui_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A request whose length two headers state differently is refused, and
// the bytes after the shorter reading are never run as a request of their
// own: a proxy in front that took the other reading would otherwise let a
// client slip a request past it (request smuggling, RFC 9112 §6.3 and
// §11.2).
func TestAmbiguousFramingIsRefused(t *testing.T) {
	s := startServer(t, 1)
	addr := strings.TrimPrefix(s.URL, "http://")
	// The smuggled request asks for a path that answers 404, so that any
	// answer to it stands out from the answer to the outer request.
	smuggled := "GET /smuggled-request HTTP/1.1\r\nHost: verken\r\n\r\n"
	cases := []struct {
		name    string
		headers string
		body    string
	}{
		{
			// One reading ends the body at once, the other takes the
			// smuggled request as the body.
			name:    "two different Content-Length",
			headers: "Content-Length: 0\r\nContent-Length: " + strconv.Itoa(len(smuggled)) + "\r\n",
			body:    smuggled,
		},
		{
			name:    "two different Content-Length, longer first",
			headers: "Content-Length: " + strconv.Itoa(len(smuggled)) + "\r\nContent-Length: 0\r\n",
			body:    smuggled,
		},
		{
			// By Transfer-Encoding the body ends at the empty chunk; by
			// Content-Length it holds the smuggled request too.
			name:    "Transfer-Encoding and Content-Length",
			headers: "Transfer-Encoding: chunked\r\nContent-Length: " + strconv.Itoa(len("0\r\n\r\n"+smuggled)) + "\r\n",
			body:    "0\r\n\r\n" + smuggled,
		},
		{
			name:    "Content-Length and Transfer-Encoding",
			headers: "Content-Length: " + strconv.Itoa(len("0\r\n\r\n"+smuggled)) + "\r\nTransfer-Encoding: chunked\r\n",
			body:    "0\r\n\r\n" + smuggled,
		},
		{
			// fasthttp frames this one by Content-Length, a proxy that
			// knows no "identity" coding may read it otherwise.
			name:    "Transfer-Encoding identity and Content-Length",
			headers: "Transfer-Encoding: identity\r\nContent-Length: 0\r\n",
			body:    smuggled,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := "GET /healthz HTTP/1.1\r\nHost: verken\r\nConnection: keep-alive\r\nContent-Type: text/plain\r\n" +
				tc.headers + "\r\n" + tc.body
			statuses := exchangeRaw(t, addr, raw)
			if len(statuses) == 0 {
				t.Fatal("no answer at all; want a 4xx")
			}
			if statuses[0] < 400 || statuses[0] > 499 {
				t.Errorf("answered %d; want a 4xx refusal", statuses[0])
			}
			if len(statuses) > 1 {
				t.Errorf("answered %d requests (%v): the body was run as a request of its own", len(statuses), statuses)
			}
		})
	}
}

// A request framed one way only still works on a kept-alive connection, so
// the refusals above are about ambiguity, not about bodies or keep-alive.
func TestPlainFramingStillWorks(t *testing.T) {
	s := startServer(t, 1)
	addr := strings.TrimPrefix(s.URL, "http://")
	raw := "GET /healthz HTTP/1.1\r\nHost: verken\r\n\r\n" +
		"GET /healthz HTTP/1.1\r\nHost: verken\r\nContent-Length: 5\r\n\r\nhello" +
		"GET /healthz HTTP/1.1\r\nHost: verken\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" +
		"GET /healthz HTTP/1.1\r\nHost: verken\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"
	statuses := exchangeRaw(t, addr, raw)
	if fmt.Sprint(statuses) != "[200 200 200 200]" {
		t.Fatalf("four pipelined requests answered %v; want [200 200 200 200]", statuses)
	}
}

// exchangeRaw writes raw to a fresh TCP connection and reads every answer
// until the server closes the connection or stays silent for a second,
// returning their status codes in order.
func exchangeRaw(t *testing.T, addr, raw string) []int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	var statuses []int
	for {
		if err := conn.SetReadDeadline(time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			// EOF: the server closed the connection; a time-out: it waits
			// for a request that will not come. Both end the exchange.
			return statuses
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
	}
}
