package ui

import (
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

// send mails a message, or keeps it for an administrator. The log names
// the recipient and the subject, never the body: it holds one-time links.
// A message that carries a one-time link names its secret and expiry, so
// that the outbox forgets the body once the link is used or dead.
func (m mailer) send(msg directory.Mail) error {
	if m.smtp.Host == "" {
		m.log.Info("mail kept in the administrators' outbox (no SMTP configured)", "to", msg.To, "subject", msg.Subject)
		return m.store.KeepMail(msg)
	}
	if err := m.deliver(msg.To, msg.Subject, msg.Body); err != nil {
		m.log.Error("mail not sent; kept in the outbox", "to", msg.To, "subject", msg.Subject, "err", err)
		return m.store.KeepMail(msg)
	}
	msg.Sent = true
	m.log.Info("mail sent", "to", msg.To, "subject", msg.Subject)
	return m.store.KeepMail(msg)
}

func (m mailer) deliver(to, subject, body string) error {
	addr := net.JoinHostPort(m.smtp.Host, strconv.Itoa(m.smtp.Port))
	var auth smtp.Auth
	if m.smtp.User != "" {
		auth = smtp.PlainAuth("", m.smtp.User, m.smtp.Password, m.smtp.Host)
	}
	for _, h := range []string{to, subject, m.smtp.From} {
		if strings.ContainsAny(h, "\r\n") {
			return fmt.Errorf("a header holds a line break")
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
		m.smtp.From, to, mime.QEncoding.Encode("utf-8", subject), time.Now().UTC().Format(time.RFC1123Z))
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return smtp.SendMail(addr, auth, m.smtp.From, []string{to}, []byte(b.String()))
}
