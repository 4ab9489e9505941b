package consult

// SetAccountFilesLimit lowers the bound of an account's attachments for a
// test, and returns what puts it back.
func SetAccountFilesLimit(n int64) func() {
	old := accountFilesLimit
	accountFilesLimit = n
	return func() { accountFilesLimit = old }
}
