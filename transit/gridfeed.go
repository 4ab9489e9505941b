package transit

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// The grid feed is a generated network of De Lijn's order of size, for the
// journey benchmarks (transit's and the market check's): 15,000 places
// 350 m apart on a 150 x 100 grid (52 by 35 km) from GridLat0, GridLon0,
// two platforms each (one per direction, 20 m apart), so 30,000 stops;
// 1,500 lines of 40 stops wandering across the grid, both ways, 83 runs a
// direction between 05:00 and 23:00 on weekdays: 249,000 trips, 9,960,000
// stop_times. Neighbouring places are within a transfer's 400 m, diagonal
// ones (495 m) are not. The lines are the same on every run (a fixed seed).
const (
	GridW, GridH       = 150, 100
	GridSpacingM       = 350
	GridLat0, GridLon0 = 50.8, 3.5
	gridLines          = 1500
	gridLineStops      = 40
	gridRuns           = 83
)

// GridPoint is the point of the grid's place (x, y).
func GridPoint(x, y int) (lat, lon float64) {
	lat = GridLat0 + GridSpacingM*float64(y)/(earthM*math.Pi/180)
	return lat, GridLon0 + GridSpacingM*float64(x)/(earthM*math.Pi/180*math.Cos(lat*math.Pi/180))
}

// earthM is the mean radius of the earth in metres, the sphere
// data.DistanceKm measures on.
const earthM = 6371008.8

// WriteGridFeed writes the grid feed's files into dir, a folder: a zip of
// 400 MB would cost more time to deflate than to import.
func WriteGridFeed(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, fill func(w *bufio.Writer)) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		fill(w)
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	r := rand.New(rand.NewPCG(30, 10))
	type line struct{ xs, ys []int }
	lines := make([]line, gridLines)
	steps := [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}
	for i := range lines {
		// A path that mostly keeps its heading, as bus lines do.
		x, y := r.IntN(GridW), r.IntN(GridH)
		dx, dy := steps[r.IntN(4)][0], 0
		if dx == 0 {
			dy = []int{1, -1}[r.IntN(2)]
		}
		seen := map[[2]int]bool{}
		for len(lines[i].xs) < gridLineStops {
			seen[[2]int{x, y}] = true
			lines[i].xs, lines[i].ys = append(lines[i].xs, x), append(lines[i].ys, y)
			for try := 0; ; try++ {
				if try > 0 || r.IntN(5) == 0 {
					dx, dy = steps[r.IntN(4)][0], steps[r.IntN(4)][1]
					if dx == 0 && dy == 0 || dx != 0 && dy != 0 {
						continue
					}
				}
				nx, ny := x+dx, y+dy
				if nx >= 0 && nx < GridW && ny >= 0 && ny < GridH && !seen[[2]int{nx, ny}] {
					x, y = nx, ny
					break
				}
				if try > 20 { // boxed in: jump a little, as a line through a village square
					x, y = min(max(x+r.IntN(5)-2, 0), GridW-1), min(max(y+r.IntN(5)-2, 0), GridH-1)
					if !seen[[2]int{x, y}] {
						break
					}
				}
			}
		}
	}
	files := []struct {
		name string
		fill func(w *bufio.Writer)
	}{
		{"agency.txt", func(w *bufio.Writer) {
			w.WriteString("agency_id,agency_name,agency_url,agency_timezone\nA,Groot,http://x.example,Europe/Brussels\n")
		}},
		{"calendar.txt", func(w *bufio.Writer) {
			w.WriteString("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20271231\n")
		}},
		{"stops.txt", func(w *bufio.Writer) {
			w.WriteString("stop_id,stop_name,stop_lat,stop_lon\n")
			for y := range GridH {
				for x := range GridW {
					lat, lon := GridPoint(x, y)
					fmt.Fprintf(w, "p%d_%d_a,Halte %d %d,%.6f,%.6f\n", x, y, x, y, lat, lon)
					fmt.Fprintf(w, "p%d_%d_b,Halte %d %d,%.6f,%.6f\n", x, y, x, y, lat+20/(earthM*math.Pi/180), lon)
				}
			}
		}},
		{"routes.txt", func(w *bufio.Writer) {
			w.WriteString("route_id,route_short_name,route_type\n")
			for i := range lines {
				rt := 3
				if i%15 == 0 {
					rt = 0
				}
				fmt.Fprintf(w, "r%d,%d,%d\n", i, i, rt)
			}
		}},
		{"trips.txt", func(w *bufio.Writer) {
			w.WriteString("route_id,service_id,trip_id,direction_id\n")
			for i := range lines {
				for d := range 2 {
					for k := range gridRuns {
						fmt.Fprintf(w, "r%d,WK,t%d_%d_%d,%d\n", i, i, d, k, d)
					}
				}
			}
		}},
		{"stop_times.txt", func(w *bufio.Writer) {
			w.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")
			var buf []byte
			hms := func(buf []byte, t int) []byte {
				return append(buf, byte('0'+t/36000), byte('0'+t/3600%10), ':', byte('0'+t/600%6), byte('0'+t/60%10), ':', byte('0'+t%60/10), byte('0'+t%10))
			}
			for i, l := range lines {
				offset := r.IntN(780)
				for d := range 2 {
					for k := range gridRuns {
						start := 5*3600 + offset + k*780 // every 13 minutes
						for s := range gridLineStops {
							j := s
							if d == 1 {
								j = gridLineStops - 1 - s
							}
							t := start + s*75
							buf = append(buf[:0], 't')
							buf = strconv.AppendInt(buf, int64(i), 10)
							buf = append(buf, '_', byte('0'+d), '_')
							buf = strconv.AppendInt(buf, int64(k), 10)
							buf = append(buf, ',')
							buf = hms(buf, t)
							buf = append(buf, ',')
							buf = hms(buf, t)
							buf = append(buf, ",p"...)
							buf = strconv.AppendInt(buf, int64(l.xs[j]), 10)
							buf = append(buf, '_')
							buf = strconv.AppendInt(buf, int64(l.ys[j]), 10)
							buf = append(buf, '_', byte('a'+d), ',')
							buf = strconv.AppendInt(buf, int64(s+1), 10)
							buf = append(buf, '\n')
							w.Write(buf)
						}
					}
				}
			}
		}},
	}
	for _, f := range files {
		if err := write(f.name, f.fill); err != nil {
			return err
		}
	}
	return nil
}

// GridFeedDir writes the grid feed once into the system's temporary
// folder and returns where; later calls find it there.
func GridFeedDir() (string, error) {
	dir := filepath.Join(os.TempDir(), "verken-bench-gtfs-journeys-30k-10m")
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		return dir, nil
	}
	if err := WriteGridFeed(dir); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "done"), nil, 0o644)
}
