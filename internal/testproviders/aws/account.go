package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// accountEnv names a directory that stands for the AWS account between
// provider processes. Terraform starts a new plugin process for every
// operation, and a name that is unique per account and region (a target
// group's, a load balancer's) must still be taken when a create_before_destroy
// replacement creates the new object before the old one is gone. Without the
// variable the double keeps no account and cannot see name collisions.
const accountEnv = "AWS_DOUBLE_ACCOUNT_DIR"

// account records the names of the objects that exist, one file per name.
type account struct{ dir string }

// openAccount returns the account named by accountEnv, or nil.
func openAccount() *account {
	if d := os.Getenv(accountEnv); d != "" {
		return &account{dir: d}
	}
	return nil
}

// path is where the marker of a name lives.
func (a *account) path(region, kind, name string) string {
	return filepath.Join(a.dir, region, kind, name)
}

// claim records that an object of kind named name now exists in region, and
// returns how many objects of that name were ever created there (1 for the
// first): the double mixes it into identifiers, so a replaced object gets a
// new ARN and DNS name as in AWS. It fails if the name is taken.
func (a *account) claim(region, kind, name string) (int, error) {
	if a == nil {
		return 0, nil
	}
	p := a.path(region, kind, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return 0, err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, os.ErrExist) {
		return 0, errNameTaken
	}
	if err != nil {
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	gen := 1
	if b, err := os.ReadFile(p + ".created"); err == nil {
		n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		gen = n + 1
	}
	return gen, os.WriteFile(p+".created", []byte(strconv.Itoa(gen)), 0o644)
}

// release forgets a deleted object's name.
func (a *account) release(region, kind, name string) error {
	if a == nil {
		return nil
	}
	if err := os.Remove(a.path(region, kind, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("account %s: %w", a.dir, err)
	}
	return nil
}

// errNameTaken is returned by claim for a name that exists.
var errNameTaken = errors.New("name taken")
