package transit_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/verken/verken/transit"
)

// Any stops.txt and stop_times.txt give an import or an error, never a
// panic.
func FuzzGTFS(f *testing.F) {
	b := base()
	f.Add(b["stops.txt"], b["stop_times.txt"], b["frequencies.txt"])
	f.Add("stop_id,stop_lat,stop_lon,parent_station\nS1,91,4,S1\nS2,,,\n", "trip_id,departure_time,stop_id,stop_sequence\nT1,99:99:99,S1,x\nT1,,S2,2\n", "")
	f.Add(b["stops.txt"], "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type\nT1,25:00:00,25:00:00,S1,1,1\nT1,00:00:00,00:00:00,S2,-7,\n",
		"trip_id,start_time,end_time,headway_secs\nT1,06:00:00,07:00:00,1\nT1,08:00:00,06:00:00,60\n")
	f.Fuzz(func(t *testing.T, stops, stopTimes, frequencies string) {
		files := base()
		files["stops.txt"], files["stop_times.txt"] = stops, stopTimes
		if frequencies != "" {
			files["frequencies.txt"] = frequencies
		}
		dir := t.TempDir()
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		snap, err := transit.Import([]transit.Source{{Name: "f", Path: dir}}, transit.Options{Day: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return
		}
		net := transit.NewNetwork(snap)
		for _, st := range snap.Stops {
			net.Lookup(st.Lat, st.Lon)
		}
	})
}
