package ui

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/verken/verken/directory"
)

// SMTP is where mail goes. Without a host, messages are kept in the
// outbox that administrators see, so the embedded default works without a
// mail server.
type SMTP struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
}

// mailer sends the application's messages.
type mailer struct {
	smtp  SMTP
	store *directory.Store
	log   *slog.Logger
}

// mailTimeout bounds one delivery: connecting, and then the whole
// conversation with the mail server.
const mailTimeout = 20 * time.Second

// send queues a message in the outbox and, with SMTP, delivers it in the
// background: a request never waits for the mail server (and so cannot
// tell by its time whether an address has an account). Delivered mail
// keeps no body; mail that could not be delivered waits in the outbox for
// an administrator. The log names the recipient and the subject, never the
// body: it holds one-time links. A message that carries a one-time link
// names its secret and expiry, so that the outbox forgets the body once
// the link is used or dead.
func (m mailer) send(msg directory.Mail) error {
	seq, err := m.store.QueueMail(msg)
	if err != nil {
		return err
	}
	if m.smtp.Host == "" {
		m.log.Info("mail kept in the administrators' outbox (no SMTP configured)", "to", msg.To, "subject", msg.Subject)
		return nil
	}
	go func() {
		if err := m.deliver(msg.To, msg.Subject, msg.Body); err != nil {
			m.log.Error("mail not sent; kept in the outbox", "to", msg.To, "subject", msg.Subject, "err", err)
			return
		}
		if err := m.store.Delivered(seq); err != nil {
			m.log.Error("mail sent, but not marked as delivered", "to", msg.To, "err", err)
			return
		}
		m.log.Info("mail sent", "to", msg.To, "subject", msg.Subject)
	}()
	return nil
}

func (m mailer) deliver(to, subject, body string) error {
	for _, h := range []string{to, subject, m.smtp.From} {
		if strings.ContainsAny(h, "\r\n") {
			return fmt.Errorf("a header holds a line break")
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
		m.smtp.From, to, mime.QEncoding.Encode("utf-8", subject), time.Now().UTC().Format(time.RFC1123Z))
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))

	conn, err := net.DialTimeout("tcp", net.JoinHostPort(m.smtp.Host, strconv.Itoa(m.smtp.Port)), mailTimeout)
	if err != nil {
		return err
	}
	defer conn.Close()
	// A server that accepts and then never answers must not hold us.
	if err := conn.SetDeadline(time.Now().Add(mailTimeout)); err != nil {
		return err
	}
	c, err := smtp.NewClient(conn, m.smtp.Host)
	if err != nil {
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: m.smtp.Host}); err != nil {
			return err
		}
	}
	if m.smtp.User != "" {
		if err := c.Auth(smtp.PlainAuth("", m.smtp.User, m.smtp.Password, m.smtp.Host)); err != nil {
			return err
		}
	}
	if err := c.Mail(m.smtp.From); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(b.String())); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
