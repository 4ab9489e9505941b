package tabular

// SafeCell makes a cell that a spreadsheet would read as a formula read as
// text. Every CSV Verken writes goes through it (WriteCSV), because names,
// phone numbers and other texts in an export are typed by suppliers and
// opened by buyers and administrators in Excel or LibreOffice.
//
// It follows OWASP's CSV Injection guidance
// (https://owasp.org/www-community/attacks/CSV_Injection): a cell that
// begins with '=', '+', '-', '@', a tab (0x09) or a carriage return (0x0D)
// is prefixed with a single quote, which spreadsheets take as "this is
// text" and do not show. The tab and carriage return are there because a
// spreadsheet skips them and then reads the formula behind them. Quoting
// the cell, and doubling the quotes inside it, is encoding/csv's part: it
// quotes any cell holding the separator, a quote or a line break, so a
// hostile text cannot start a new cell in the middle of its value.
//
// One exception: a cell that is only a decimal number with a minus sign
// ("-1,5", "-2", "-0.25") stays as it is. Such a cell holds no function,
// reference or operator, so a spreadsheet can only read it as that number;
// prefixing it would turn the numeric columns Verken writes (free FTE,
// distances) into text that Excel can no longer sum. Because the rule looks
// at the value and not at the column, a supplier who types "-1,5" as a name
// gets the same harmless number. A leading '+' is not excepted: "+3292…" is
// a phone number that must stay text.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + s
	case '-':
		if plainNegative(s) {
			return s
		}
		return "'" + s
	}
	return s
}

// plainNegative reports whether s is '-' followed by digits with at most
// one decimal point or comma between digits.
func plainNegative(s string) bool {
	digits, sep := 0, false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case (c == '.' || c == ',') && !sep && digits > 0 && i+1 < len(s):
			sep = true
		default:
			return false
		}
	}
	return digits > 0
}
