package identity_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/loopshop/loopshop/identity"
)

func TestHashPasswordAndCheck(t *testing.T) {
	const pw = "correct horse battery staple"
	h1, err := identity.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string with the configured parameters", h1)
	}
	if strings.Contains(h1, pw) {
		t.Errorf("hash %q contains the password", h1)
	}
	h2, err := identity.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if h1 == h2 {
		t.Errorf("two hashes of one password are equal (%q): the salt is not random", h1)
	}
	for _, h := range []string{h1, h2} {
		if ok, err := identity.CheckPassword(h, pw); !ok || err != nil {
			t.Errorf("CheckPassword(right password) = %v, %v; want true", ok, err)
		}
	}
	for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple", pw + " "} {
		if ok, err := identity.CheckPassword(h1, wrong); ok || err != nil {
			t.Errorf("CheckPassword(%q) = %v, %v; want false, nil", wrong, ok, err)
		}
	}
}

// A hash made with other (cheaper) parameters still verifies: parameters
// are read from the hash, so raising them later keeps old hashes working.
func TestCheckPasswordReadsParametersFromHash(t *testing.T) {
	// argon2id, m=64 KiB, t=1, p=1, salt "saltsaltsaltsalt", password "password".
	const h = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$Wb9DOLKUgwlL5fjad9tfCPU0SBAo0PEY/evJRhwtUR0"
	ok, err := identity.CheckPassword(h, "password")
	if err != nil {
		t.Fatalf("CheckPassword: %v", err)
	}
	if !ok {
		t.Errorf("reference hash with m=64,t=1 did not verify")
	}
}

// malformedHashes are stored hashes CheckPassword must refuse with an
// error, never a panic or a match.
var malformedHashes = []string{
	"",
	"$",
	"$$$$$",
	"plaintext-password",
	"$2a$10$abcdefghijklmnopqrstuu5t7Y6c1S0GJ8p0Oq0iM1yXJr0a8wR2", // bcrypt
	"$argon2i$v=19$m=64,t=1,p=1$c2FsdA$a2V5",                      // argon2i, not id
	"$argon2id$v=16$m=64,t=1,p=1$c2FsdA$a2V5",                     // old version
	"$argon2id$v=x$m=64,t=1,p=1$c2FsdA$a2V5",
	"$argon2id$v=19$m=0,t=1,p=1$c2FsdA$a2V5",
	"$argon2id$v=19$m=64,t=0,p=1$c2FsdA$a2V5",
	"$argon2id$v=19$m=64,t=1,p=0$c2FsdA$a2V5",
	"$argon2id$v=19$m=64,t=1,p=300$c2FsdA$a2V5", // p overflows a byte
	"$argon2id$v=19$m=-1,t=1,p=1$c2FsdA$a2V5",
	"$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdA$a2V5",
	"$argon2id$v=19$m=64,t=99,p=1$c2FsdA$a2V5",
	"$argon2id$v=19$m=64,t=1$c2FsdA$a2V5",
	"$argon2id$v=19$m=64,t=1,p=1$!!!$a2V5",                           // salt not base64
	"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$",                            // empty key
	"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$a2V5$x",                      // too many parts
	"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + strings.Repeat("A", 200), // key too long
	"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$a2V5=",                       // padded base64
}

func TestCheckPasswordMalformedHash(t *testing.T) {
	for _, h := range malformedHashes {
		t.Run(h, func(t *testing.T) {
			ok, err := identity.CheckPassword(h, "password")
			if ok || err == nil {
				t.Errorf("CheckPassword(%q) = %v, %v; want false and an error", h, ok, err)
			}
		})
	}
}

// FuzzCheckPassword feeds arbitrary hash strings: CheckPassword must never
// panic, and must never accept a password against a hash it calls malformed.
func FuzzCheckPassword(f *testing.F) {
	for _, h := range malformedHashes {
		f.Add(h, "password")
	}
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$Wb9DOLKUgwlL5fjad9tfCPU0SBAo0PEY/evJRhwtUR0", "password")
	f.Add("$argon2id$v=19$m=8,t=1,p=255$$a2V5", "")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$c2FsdA$a2V5", "x")
	f.Fuzz(func(t *testing.T, hash, password string) {
		// CheckPassword accepts up to 4 GiB and 32 passes from a stored
		// hash; keep the fuzzer to inputs that run in milliseconds.
		// The parameters are read here the way CheckPassword reads them.
		if parts := strings.Split(hash, "$"); len(parts) > 3 {
			var mem, passes uint64
			if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d", &mem, &passes); err == nil && (mem > 4096 || passes > 4) {
				t.Skip()
			}
		}
		ok, err := identity.CheckPassword(hash, password)
		if ok && err != nil {
			t.Errorf("CheckPassword(%q) = true with error %v", hash, err)
		}
	})
}
