// Package kbo reads the FOD Economie's KBO Open Data extracts (the full
// monthly file and the update files) and turns the enterprises Verken can
// use into unclaimed supplier profiles (issue 16, first slice).
//
// The format follows the "Cookbook KBO Open data" (version R018.00; sources
// in data/README.md): a zip of comma-separated files with a header line,
// text between double quotes, dates as dd-mm-yyyy, empty values with
// nothing between the delimiters; enterprise numbers as 9999.999.999 and
// establishment numbers as 9.999.999.999. An update file holds, per table,
// a _delete file (the entity numbers whose rows go) and an _insert file
// (every current row of those entities), applied deletes first.
//
// A full extract is read in passes over its files, in an order that keeps
// only what the import will use: activity.csv first (only entities with a
// NACE-BEL code that maps to a task are remembered), then establishment.csv
// (only establishments of those enterprises, or with such a code), then
// enterprise, address, denomination and contact for those alone. Memory is
// bounded by the number of candidate enterprises, not by the extract.
package kbo
