package domain

import (
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// withPolicy stores a policy (the default's values changed by edit) and an
// identity using it with the updb authenticator user/pw.
func withPolicy(t *testing.T, c *Controller, edit func(*store.AuthPolicy)) (identityID string, p *store.AuthPolicy) {
	t.Helper()
	p = store.DefaultAuthPolicy()
	p.ID, p.Name = auth.RandomID(), "p-"+auth.RandomID()
	edit(p)
	hash, err := auth.HashPassword("pw-12345")
	if err != nil {
		t.Fatal(err)
	}
	v := &store.Identity{Named: store.Named{ID: auth.RandomID(), Name: "user-" + p.ID}, TypeID: "Default", AuthPolicyID: p.ID}
	a := &store.Authenticator{ID: auth.RandomID(), IdentityID: v.ID, Method: "updb", Username: "user-" + p.ID, PasswordHash: hash}
	err = c.DB.Update(func(tx *store.Tx) error {
		if err := store.AuthPolicies.Put(tx, p); err != nil {
			return err
		}
		if err := tx.PutIdentity(v); err != nil {
			return err
		}
		return tx.PutAuthenticator(a)
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.ID, p
}

func TestLockoutTiming(t *testing.T) {
	c := newController(t)
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Now = func() time.Time { return now }
	c.Attempts = auth.NewAttempts()
	id, p := withPolicy(t, c, func(p *store.AuthPolicy) { p.Primary.Updb.MaxAttempts, p.Primary.Updb.LockoutDurationMinutes = 2, 30 })
	user := "user-" + p.ID
	login := func(pw string) error { _, _, err := c.PasswordLogin(user, pw); return err }

	wantCode(t, login("wrong"), CodeInvalidAuth)
	if err := login("pw-12345"); err != nil {
		t.Fatalf("one failure of two: %v", err)
	}
	wantCode(t, login("wrong"), CodeInvalidAuth)
	wantCode(t, login("wrong"), CodeInvalidAuth)
	wantCode(t, login("pw-12345"), CodeInvalidAuth)
	v := readIdentity(t, c, id)
	if v.DisabledAt == nil || !v.DisabledAt.Equal(now) || v.DisabledUntil == nil || !v.DisabledUntil.Equal(now.Add(30*time.Minute)) {
		t.Fatalf("lockout stored as %v .. %v", v.DisabledAt, v.DisabledUntil)
	}
	now = now.Add(30*time.Minute - time.Second)
	wantCode(t, login("pw-12345"), CodeInvalidAuth)
	now = now.Add(time.Second)
	if err := login("pw-12345"); err != nil {
		t.Fatalf("at the end of the lockout: %v", err)
	}
	// The lockout reset the count: one more failure does not lock again.
	wantCode(t, login("wrong"), CodeInvalidAuth)
	if err := login("pw-12345"); err != nil {
		t.Fatalf("after one failure: %v", err)
	}
	var au *store.Authenticator
	_ = c.DB.View(func(tx *store.Tx) error { au, _ = tx.AuthenticatorByUsername(user); return nil })
	if n := c.Attempts.Count(au.ID); n != 0 {
		t.Fatalf("a success left %d failures", n)
	}

	// lockoutDurationMinutes 0: locked until enabled, however long.
	_ = c.DB.Update(func(tx *store.Tx) error {
		p.Primary.Updb.LockoutDurationMinutes = 0
		return store.AuthPolicies.Put(tx, p)
	})
	wantCode(t, login("wrong"), CodeInvalidAuth)
	wantCode(t, login("wrong"), CodeInvalidAuth)
	now = now.AddDate(10, 0, 0)
	wantCode(t, login("pw-12345"), CodeInvalidAuth)
	if err := c.EnableIdentity(id); err != nil {
		t.Fatal(err)
	}
	if err := login("pw-12345"); err != nil {
		t.Fatalf("after enable: %v", err)
	}
}

func TestAdmitByPolicy(t *testing.T) {
	c := newController(t)
	id, p := withPolicy(t, c, func(*store.AuthPolicy) {})
	admit := func(method, signer string) error {
		return c.DB.View(func(tx *store.Tx) error { _, _, err := c.Admit(tx, id, method, signer); return err })
	}
	set := func(edit func(*store.AuthPolicy)) {
		edit(p)
		if err := c.DB.Update(func(tx *store.Tx) error { return store.AuthPolicies.Put(tx, p) }); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []string{MethodPassword, MethodCert, MethodExtJWT} {
		if err := admit(m, "s1"); err != nil {
			t.Fatalf("%s allowed by the default rules: %v", m, err)
		}
	}
	set(func(p *store.AuthPolicy) { p.Primary.Updb.Allowed = false })
	wantCode(t, admit(MethodPassword, ""), CodeInvalidAuth)
	set(func(p *store.AuthPolicy) { p.Primary.Cert.Allowed = false })
	wantCode(t, admit(MethodCert, ""), CodeInvalidAuth)
	set(func(p *store.AuthPolicy) { p.Primary.ExtJWT.AllowedSigners = []string{"s2"} })
	wantCode(t, admit(MethodExtJWT, "s1"), CodeInvalidAuth)
	if err := admit(MethodExtJWT, "s2"); err != nil {
		t.Fatalf("a listed signer: %v", err)
	}
	set(func(p *store.AuthPolicy) { p.Primary.ExtJWT.Allowed = false })
	wantCode(t, admit(MethodExtJWT, "s2"), CodeInvalidAuth)
	wantCode(t, admit("unknown-method", ""), CodeInvalidAuth)
}

func TestCheckPassword(t *testing.T) {
	p := store.DefaultAuthPolicy()
	u := &p.Primary.Updb
	for _, c := range []struct {
		edit func()
		pw   string
		ok   bool
	}{
		{func() {}, "abcd", false}, // under 5, whatever the policy says
		{func() { u.MinPasswordLength = 0 }, "abcd", false},
		{func() {}, "abcde", true},
		{func() { u.MinPasswordLength = 8 }, "abcdefg", false},
		{func() {}, "abcdefgh", true},
		{func() {}, string(make([]byte, 101)), false},
		{func() { u.RequireMixedCase = true }, "abcdefgh", false},
		{func() {}, "abcdEfgh", true},
		{func() { u.RequireNumberChar = true }, "abcdEfgh", false},
		{func() {}, "abcdEfg1", true},
		{func() { u.RequireSpecialChar = true }, "abcdEfg1", false},
		{func() {}, "abcd Efg1", false}, // a space is not special
		{func() {}, "abcd-Efg1", true},
		{func() {}, "äbcd-Éfg1", true},
	} {
		c.edit()
		err := CheckPassword(p, c.pw)
		if (err == nil) != c.ok {
			t.Errorf("%q under %+v: %v", c.pw, *u, err)
		}
		if err != nil {
			wantCode(t, err, CodeCouldNotValidate)
		}
	}
}
