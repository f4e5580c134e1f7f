package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// createCandidate is an object found by its unique key (a name, or an
// identity's one pending enrollment of a method) after a create whose
// answer was lost.
type createCandidate struct {
	ID        string
	CreatedAt time.Time
	// CreatedAtOf names the object whose creation time CreatedAt is when
	// the controller does not report the candidate's own ("its identity":
	// OpenZiti reports no createdAt for enrollments, and an enrollment is
	// never older than its identity). Empty: the candidate's own.
	CreatedAtOf string
	// Differs names the first attribute in which the object differs from
	// what the create sent; empty when it has them all.
	Differs string
}

// createTarget is what a recovering create says about the object it
// creates and the key that makes it unique, in its diagnostics.
type createTarget struct {
	// kind is the object's kind ("identity", "enrollment").
	kind string
	// title names the object in summaries: `identity web-1`.
	title string
	// prose names it in sentences: `identity "web-1"`.
	prose string
	// lookup is how the object is looked up: "by name".
	lookup string
	// holds says what a found object has in common with the create:
	// "has this name".
	holds string
	// heldBy introduces an object holding the key: "the name is held by".
	heldBy string
	// elsewise is what to do when the holder is not the configuration's:
	// "choose another name".
	elsewise string
}

// namedTarget is the createTarget of an object with a unique name.
func namedTarget(kind, name string) createTarget {
	return createTarget{kind: kind, title: kind + " " + name, prose: fmt.Sprintf("%s %q", kind, name), lookup: "by name",
		holds: "has this name", heldBy: "the name is held by", elsewise: "choose another name"}
}

// maxCreateSends bounds how often createRecovering sends one create: the
// first time, and again after a lost answer when the lookup shows that the
// controller did not apply it, or after no controller could take it (a
// cluster electing a leader). submitCAVerification uses the same bound.
const maxCreateSends = 5

// resendWait is the wait before the n-th send (n >= 2) of a create that
// was not applied: 1s, 2s, 4s, 8s. A cluster whose leader died elects the
// next in seconds; until then its members refuse or fail writes.
func resendWait(n int) time.Duration {
	return min(time.Second<<(n-2), 8*time.Second)
}

// createByName is createRecovering for an object with a unique name.
func createByName(ctx context.Context, c *edgeapi.Client, diags *diag.Diagnostics, kind, name string,
	create func(context.Context) (string, error), find func(context.Context) ([]createCandidate, error)) (id string, ok bool) {
	return createRecovering(ctx, c, diags, namedTarget(kind, name), create, find)
}

// createRecovering runs create for an object with a unique key (a name;
// for an enrollment, its identity and method). When the create's answer is
// lost (the connection broke after the request was sent, as when the
// controller is killed or restarted: edgeapi.ErrMaybeApplied), it finds
// out what the controller did by looking the key up with find, instead of
// leaving an object behind that the state does not track:
//
//   - Found, created during this run (not before the client's first login,
//     both by the controller's clock) and with every attribute that was
//     sent: this create made it. Its id is returned, with a warning.
//   - Found otherwise: something else holds the key. The error says which
//     object it is and how to import it.
//   - Not found: the controller did not apply the create (keys are unique
//     and acknowledged writes durable), so it is sent again.
//
// On failure the error diagnostic is added and ok is false.
func createRecovering(ctx context.Context, c *edgeapi.Client, diags *diag.Diagnostics, t createTarget,
	create func(context.Context) (string, error), find func(context.Context) ([]createCandidate, error)) (id string, ok bool) {
	op := "Creating " + t.title
	var err, lostErr error
	for send := 1; send <= maxCreateSends; send++ {
		if id, err = create(ctx); err == nil {
			if lostErr != nil {
				tflog.Info(ctx, "create sent again after a lost answer succeeded", map[string]any{"kind": t.kind, "object": t.title, "sends": send})
			}
			return id, true
		}
		maybe := errors.Is(err, edgeapi.ErrMaybeApplied)
		busy := errors.Is(err, edgeapi.ErrUnavailable) // not applied: no controller could take it
		if !maybe && !busy && lostErr == nil {
			break // a plain failure: the controller answered, or never got it
		}
		if busy && lostErr == nil {
			if !waitToResend(ctx, t, send+1) {
				break
			}
			continue
		}
		// The answer was lost now, or earlier and this send failed (a key
		// conflict if the earlier one landed after all): look the key up.
		if lostErr == nil {
			lostErr = err
		}
		found, ferr := findPatiently(ctx, find)
		if ferr == nil && len(found) == 0 && !maybe && !busy {
			// The controller refused this send (a key conflict) and yet the
			// lookup finds nothing: in a cluster the lookup may have gone to
			// a member that applies the leader's log a moment later (an
			// earlier send, committed as its leader died, is applied by the
			// next leader). Look again before deciding.
			found, ferr = findAgain(ctx, find)
		}
		if ferr != nil {
			diags.AddError(op, fmt.Sprintf("%s\n\nLooking the %s up %s, to find out whether the controller created it, failed too: %s", err, t.kind, t.lookup, ferr))
			return "", false
		}
		if len(found) == 0 {
			if !maybe && !busy {
				break
			}
			tflog.Warn(ctx, "the answer to a create was lost and the controller has no such object: sending the create again", map[string]any{"kind": t.kind, "object": t.title, "send": send})
			if !waitToResend(ctx, t, send+1) {
				break
			}
			continue
		}
		f := found[0]
		since := c.FirstLoginAt()
		lost := fmt.Sprintf("The connection to the controller closed before it answered the create of %s (%s: a controller restart, or a proxy cut it)", t.prose, rootCause(lostErr))
		importHint := fmt.Sprintf("If it is the one this configuration describes, import it (terraform import <resource address> %s); otherwise %s.", f.ID, t.elsewise)
		when := f.CreatedAt.UTC().Format(time.RFC3339Nano)
		if f.CreatedAtOf != "" {
			when = f.CreatedAtOf + " was created at " + when
		}
		switch {
		case f.Differs == "" && !since.IsZero() && !f.CreatedAt.Before(since):
			diags.AddWarning("Adopted "+t.title+" after a lost answer",
				fmt.Sprintf("%s. The controller had applied it: %s %s %s, was created during this run (%s, controller time) and has every attribute that was sent, "+
					"so it is now tracked in the state. Nothing needs to be done.",
					lost, t.kind, f.ID, t.holds, when))
			return f.ID, true
		case f.Differs != "":
			diags.AddError(op, fmt.Sprintf("%s, and %s %s %s, whose %s differs from this configuration: it is not what this create sent. "+
				"If it should be managed here, import it (terraform import <resource address> %s) and the next plan shows the differences; otherwise %s.",
				lost, t.heldBy, t.kind, f.ID, f.Differs, f.ID, t.elsewise))
		case since.IsZero():
			diags.AddError(op, fmt.Sprintf("%s, and %s %s %s; the controller did not say when this run's API session began, so whether this create made it cannot be told. %s",
				lost, t.heldBy, t.kind, f.ID, importHint))
		case f.CreatedAtOf != "":
			diags.AddError(op, fmt.Sprintf("%s, and %s %s %s; the controller does not say when it was created, and %s, before this run began (%s, controller time): whether this create made it cannot be told. %s",
				lost, t.heldBy, t.kind, f.ID, when, since.UTC().Format(time.RFC3339Nano), importHint))
		default:
			diags.AddError(op, fmt.Sprintf("%s, and %s %s %s, created at %s, before this run began (%s, controller time): this create did not make it. %s",
				lost, t.heldBy, t.kind, f.ID, when, since.UTC().Format(time.RFC3339Nano), importHint))
		}
		return "", false
	}
	apiDiag(diags, op, err)
	return "", false
}

// waitToResend waits resendWait before the given send, unless that is
// past maxCreateSends or ctx ends first (false: give up).
func waitToResend(ctx context.Context, t createTarget, send int) bool {
	if send > maxCreateSends {
		return false
	}
	d := resendWait(send)
	tflog.Debug(ctx, "waiting before sending a create again", map[string]any{"kind": t.kind, "object": t.title, "send": send, "wait": d.String()})
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// lookupPatience bounds how long the lookup after a lost answer waits for
// an unreachable controller: the answer was lost because the controller
// went away, and only the lookup can tell whether the create was applied.
// The real OpenZiti controller serves again seconds after a restart, longer
// than the client's own retries wait.
const lookupPatience = 2 * time.Minute

// findPatiently runs find until it gets an answer from the controller (a
// result or an API error), the context ends or lookupPatience has passed.
func findPatiently(ctx context.Context, find func(context.Context) ([]createCandidate, error)) ([]createCandidate, error) {
	deadline := time.Now().Add(lookupPatience)
	wait := time.Second
	for {
		found, err := find(ctx)
		var ae *edgeapi.APIError
		if err == nil || errors.As(err, &ae) || time.Now().Add(wait).After(deadline) {
			return found, err
		}
		tflog.Warn(ctx, "the controller is unreachable after a lost answer: looking up again", map[string]any{"error": err.Error(), "wait": wait.String()})
		select {
		case <-ctx.Done():
			return found, err
		case <-time.After(wait):
		}
		wait = min(2*wait, 10*time.Second)
	}
}

// replicaLag bounds how long findAgain looks for an object that a refused
// send says exists: a cluster member applies the leader's log within
// moments, even just after an election.
const replicaLag = 5 * time.Second

// findAgain runs find until it finds something, fails, or replicaLag has
// passed (then its last, empty answer).
func findAgain(ctx context.Context, find func(context.Context) ([]createCandidate, error)) ([]createCandidate, error) {
	deadline := time.Now().Add(replicaLag)
	for wait := 250 * time.Millisecond; ; wait *= 2 {
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(wait):
		}
		found, err := find(ctx)
		if err != nil || len(found) > 0 || time.Now().After(deadline) {
			return found, err
		}
	}
}

// rootCause is the innermost error of err's chain ("EOF", "connection
// reset by peer"): the transport's reason without the request line.
func rootCause(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// findByName lists the objects of one kind named name, through list (a
// Client.List method; at most one: names are unique), and describes each
// as a createCandidate with describe, which also returns the object's name
// (the filter is the controller's; the exact name is checked here).
func findByName[T any](ctx context.Context, name string, list func(context.Context, edgeapi.ListOptions) ([]T, error),
	describe func(*T) (string, createCandidate)) ([]createCandidate, error) {
	items, err := list(ctx, edgeapi.ListOptions{Filter: "name = " + edgeapi.QuoteFilter(name)})
	if err != nil {
		return nil, err
	}
	var out []createCandidate
	for i := range items {
		if n, cand := describe(&items[i]); n == name {
			out = append(out, cand)
		}
	}
	return out, nil
}

// The comparisons below are what the <kind>Differs functions are made of:
// each tells whether an object on the controller has a value that a create
// body sent.

// sameStrings compares two string lists as sets.
func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := make(map[string]int, len(a))
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		if seen[s]--; seen[s] < 0 {
			return false
		}
	}
	return true
}

// sameTags compares tags by their JSON values; nil and empty are the same.
func sameTags(a, b edgeapi.Tags) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok {
			return false
		}
		x, _ := json.Marshal(v)
		y, _ := json.Marshal(w)
		if string(x) != string(y) {
			return false
		}
	}
	return true
}

// sentDiffers reports whether a value the create body sent (non-nil) is
// not the one the object has; a value the body left out (nil) matches
// anything, since the controller fills in its default.
func sentDiffers[T comparable](sent *T, has T) bool {
	return sent != nil && *sent != has
}

// deref is *p, or the zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
