package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// TestExpiredToken: a token past its expiry by both clocks is named as
// expired, and a clock a day fast is named as skew (the controller's Date
// header is the second opinion), on each controller.
func TestExpiredToken(t *testing.T) {
	testctl.Both(t, expiredToken)
}

func expiredToken(t *testing.T, kind testctl.Kind) {
	c := sharedController(t, kind, false)
	ctx := context.Background()
	id, err := c.admin.CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: "short-lived", Type: "Default"})
	if err != nil {
		t.Fatal(err)
	}
	enID, err := c.admin.CreateEnrollment(ctx, &edgeapi.EnrollmentCreate{Method: "ott", IdentityID: id, ExpiresAt: time.Now().Add(2 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	en, err := c.admin.GetEnrollment(ctx, enID)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := enroll.ParseToken(en.JWT)
	if err != nil {
		t.Fatal(err)
	}
	// A long-lived token: still valid by the controller, expired by a
	// clock a day fast.
	_, long := c.ottJWT(t, "long-lived")
	longTok, _ := enroll.ParseToken(long)
	_, err = enroll.Enroll(ctx, enroll.Request{Token: longTok, Now: func() time.Time { return time.Now().Add(24 * time.Hour) }})
	if !errors.Is(err, enroll.ErrClockSkew) || !strings.Contains(err.Error(), "ahead of the controller's") {
		t.Fatalf("fast clock: %v", err)
	}
	time.Sleep(time.Until(*tok.Claims.ExpiresAt) + time.Second)
	_, err = enroll.Enroll(ctx, enroll.Request{Token: tok})
	if !errors.Is(err, enroll.ErrTokenExpired) || !strings.Contains(err.Error(), "expired at") {
		t.Fatalf("expired: %v", err)
	}
}
