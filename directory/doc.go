// Package directory is Verken's system of record: the suppliers (with their
// sites, offers and recognitions) and the accounts that use them (sessions,
// API tokens, one-time links, mail, saved searches and checks), the rules
// that belong to those records (validation, limits, eligibility for a
// reserved contract), and the bbolt store that keeps them with their history
// and change feed. It knows nothing of HTTP or of the search index: the index
// follows the change feed and reads the rules from here.
//
// One file per aggregate: supplier.go and reserved.go, account.go,
// session.go, token.go, link.go, outbox.go, saved.go; store.go, history.go
// and migrations.go for the store; bucket.go and secret.go for what the
// account-side records share.
package directory
