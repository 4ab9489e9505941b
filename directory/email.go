package directory

// NormalEmail checks an e-mail address as registration does and returns
// it lower-cased: what the invitation form checks before it makes a link.
func NormalEmail(e string) (string, error) { return normalEmail(e) }
