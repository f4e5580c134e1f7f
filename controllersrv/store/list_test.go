package store

import (
	"fmt"
	"testing"
)

// TestListRangeMatchesList checks that every page ListRange returns is the
// same slice of List's result, including pages past the end.
func TestListRangeMatchesList(t *testing.T) {
	db := openTest(t)
	err := db.Update(func(tx *Tx) error {
		for i := range 23 {
			if err := tx.PutIdentity(&Identity{Named: Named{ID: fmt.Sprintf("id%03d", (i*7)%23), Name: fmt.Sprintf("n%d", i)}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *Tx) error {
		all, err := List[Identity](tx, BucketIdentities)
		if err != nil {
			return err
		}
		if len(all) != 23 || tx.Count(BucketIdentities) != 23 {
			t.Fatalf("List gave %d, Count %d, want 23", len(all), tx.Count(BucketIdentities))
		}
		for _, pg := range [][2]int64{{0, 10}, {10, 10}, {20, 10}, {22, 1}, {23, 5}, {40, 5}, {0, 500}} {
			got, err := ListRange[Identity](tx, BucketIdentities, pg[0], pg[1])
			if err != nil {
				return err
			}
			start, end := min(pg[0], 23), min(pg[0]+pg[1], 23)
			want := all[start:end]
			if len(got) != len(want) {
				t.Fatalf("offset %d limit %d: %d records, want %d", pg[0], pg[1], len(got), len(want))
			}
			for i := range got {
				if got[i].ID != want[i].ID || got[i].Name != want[i].Name {
					t.Fatalf("offset %d limit %d: record %d is %s, want %s", pg[0], pg[1], i, got[i].ID, want[i].ID)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
