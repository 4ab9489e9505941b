package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// purgeEvery is how often serve purges what expired and compacts the
// change feed; it also does so once at start.
const purgeEvery = time.Hour

// feedMargin is how many of the changes the index applied stay in the
// feed. The index records its progress in the same batch as the documents,
// so it never claims more than it has; the margin lets an index that lost
// its last batches anyway (a disk that did not keep what it acknowledged)
// catch up from the feed rather than be rebuilt.
const feedMargin = 1000

// maintain starts purging expired sessions and one-time links and
// compacting the change feed below what the index has applied: now, and
// then every purgeEvery until ctx ends; after each purge it runs jobs (the
// consultations' reminders and retention). The function it returns waits
// for it to stop, so that the store is not closed under a purge.
func maintain(ctx context.Context, sys *system, log *slog.Logger, jobs ...func(now time.Time)) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(purgeEvery)
		defer tick.Stop()
		for {
			now := time.Now()
			purge(sys, log, now)
			for _, job := range jobs {
				job(now)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return func() { <-done }
}

func purge(sys *system, log *slog.Logger, now time.Time) {
	// bbolt panics on a damaged page; the server goes on answering what it
	// can, and the log says what to do.
	defer func() {
		if r := recover(); r != nil {
			log.Error("purge failed: the store is damaged; restore it from a backup", "panic", fmt.Sprint(r))
		}
	}()
	p, err := sys.store.Purge(now)
	if err != nil {
		log.Error("purge failed", "err", err)
		return
	}
	// Applied only moves forward, and only after the index has what it
	// claims: what lies below it is never asked for again.
	var compacted int
	if applied := sys.index.Applied(); applied > feedMargin {
		if compacted, err = sys.store.CompactChanges(applied - feedMargin); err != nil {
			log.Error("change feed compaction failed", "err", err)
		}
	}
	log.Info("store purged", "sessions", p.Sessions, "links", p.Links, "changes_compacted", compacted, "mail_bodies", p.Mail)
}
