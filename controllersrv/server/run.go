package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

const metaDefaultAdmin = "defaultAdminId"

// ensureAdmin creates the default admin on first start. On later starts a
// given password replaces the stored one (so ZITI_PASSWORD stays the truth);
// an empty one keeps it, and AdminCredentials then reports no password.
func (s *Server) ensureAdmin(username, password string) error {
	if username == "" {
		username = "admin"
	}
	var existing *store.Authenticator
	err := s.db.View(func(tx *store.Tx) error {
		id := tx.GetMeta(metaDefaultAdmin)
		if id == "" {
			return nil
		}
		as, err := tx.AuthenticatorsOfIdentity(id)
		if err != nil {
			return err
		}
		for _, a := range as {
			if a.Method == "updb" {
				existing = a
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if existing != nil {
		s.adminUser = existing.Username
		if password == "" {
			return nil
		}
		if existing.Username != username {
			s.logger.Warn("the default admin already exists with another username; keeping it", "username", existing.Username)
		}
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		s.adminPass = password
		return s.db.Update(func(tx *store.Tx) error {
			a, err := tx.GetAuthenticator(existing.ID)
			if err != nil {
				return err
			}
			a.PasswordHash, a.UpdatedAt = hash, time.Now().UTC()
			return tx.PutAuthenticator(a)
		})
	}
	if password == "" {
		password = auth.GeneratePassword()
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	idn := &store.Identity{Named: store.Named{ID: auth.RandomID(), Name: username, CreatedAt: now, UpdatedAt: now}, TypeID: "Default", IsAdmin: true, IsDefaultAdmin: true,
		RoleAttributes: []string{}, AuthPolicyID: "default", DefaultHostingPrecedence: "default"}
	au := &store.Authenticator{ID: auth.RandomID(), IdentityID: idn.ID, Method: "updb", Username: username, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	err = s.db.Update(func(tx *store.Tx) error {
		if err := tx.PutIdentity(idn); err != nil {
			return err
		}
		if err := tx.PutAuthenticator(au); err != nil {
			return err
		}
		return tx.PutMeta(metaDefaultAdmin, idn.ID)
	})
	if err != nil {
		return err
	}
	s.adminUser, s.adminPass = username, password
	s.logger.Info("default admin created", "username", username)
	return nil
}

func (s *Server) serve() {
	for i, hs := range s.servers {
		ln := s.listeners[i]
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.logger.Error("listener stopped", "address", ln.Addr().String(), "error", err)
			}
		}()
		s.logger.Info("listening", "address", ln.Addr().String(), "url", s.url)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(s.sessions.FlushInterval())
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				if err := s.sessions.Flush(); err != nil {
					s.logger.Error("writing API session activity to the store failed", "error", err)
				}
			}
		}
	}()
}

func (s *Server) closeListeners() {
	for _, ln := range s.listeners {
		ln.Close()
	}
}

// URL is the advertised base URL, https://host:port.
func (s *Server) URL() string { return s.url }

// ManagementURL is the Edge management API base URL.
func (s *Server) ManagementURL() string { return s.url + "/edge/management/v1" }

// ClientURL is the Edge client API base URL.
func (s *Server) ClientURL() string { return s.url + "/edge/client/v1" }

// CAPEM is the CA bundle that verifies the TLS certificate; it is also what
// /.well-known/est/cacerts serves.
func (s *Server) CAPEM() []byte { return append([]byte(nil), s.caPEM...) }

// AdminCredentials returns the default admin's username and password. The
// password is empty when the admin already existed and no password was given.
func (s *Server) AdminCredentials() (username, password string) { return s.adminUser, s.adminPass }

// Addrs lists the actual listen addresses.
func (s *Server) Addrs() []net.Addr {
	var out []net.Addr
	for _, ln := range s.listeners {
		out = append(out, ln.Addr())
	}
	return out
}

// Close shuts down gracefully (in-flight requests get up to 10 seconds) and
// closes the database.
func (s *Server) Close() error {
	s.once.Do(func() {
		close(s.stop)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var errs []error
		for _, hs := range s.servers {
			if err := hs.Shutdown(ctx); err != nil {
				errs = append(errs, err)
			}
		}
		s.closeListeners() // covers listeners never handed to Serve
		s.wg.Wait()
		// The activity since the last flush, so that a graceful restart
		// expires no session early.
		if err := s.sessions.Flush(); err != nil {
			errs = append(errs, err)
		}
		if err := s.db.Close(); err != nil {
			errs = append(errs, err)
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}
