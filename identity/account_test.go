package identity_test

import (
	"strings"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
)

func TestNormalizeEmail(t *testing.T) {
	long := strings.Repeat("a", 250) + "@x.io" // 255 characters
	tests := []struct {
		name    string
		in      string
		want    string // "" when the address must be refused
		wantMsg string // part of the message of a refusal
	}{
		{name: "plain", in: "ada@example.com", want: "ada@example.com"},
		{name: "surrounding space trimmed", in: "  ada@example.com\t", want: "ada@example.com"},
		{name: "domain lowered, local part kept", in: "Ada.Lovelace@Example.CO.UK", want: "Ada.Lovelace@example.co.uk"},
		{name: "plus tag kept", in: "ada+shop@example.com", want: "ada+shop@example.com"},
		{name: "254 characters", in: strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com", want: strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com"},
		{name: "empty", in: "   ", wantMsg: "required"},
		{name: "display name form", in: "Ada <ada@example.com>", wantMsg: "name@example.com"},
		{name: "angle brackets only", in: "<ada@example.com>", wantMsg: "name@example.com"},
		{name: "quoted display name", in: `"Ada Lovelace" <ada@example.com>`, wantMsg: "name@example.com"},
		{name: "no at sign", in: "ada.example.com", wantMsg: "name@example.com"},
		{name: "two addresses", in: "ada@example.com, bob@example.com", wantMsg: "name@example.com"},
		{name: "domain without a dot", in: "ada@localhost", wantMsg: "no dot"},
		{name: "longer than 254", in: long, wantMsg: "254"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "254 characters" && len(tt.in) != 254 {
				t.Fatalf("test input has %d characters, want 254", len(tt.in))
			}
			got, err := identity.NormalizeEmail(tt.in)
			if tt.want != "" {
				if err != nil || got != tt.want {
					t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("NormalizeEmail(%q) = %q, want an error", tt.in, got)
			}
			if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != "email" {
				t.Errorf("error %v: want invalid on field email", err)
			}
			if !strings.Contains(loopshop.ErrorMessage(err), tt.wantMsg) {
				t.Errorf("message %q does not say %q", loopshop.ErrorMessage(err), tt.wantMsg)
			}
		})
	}
}

func TestSignUpValidate(t *testing.T) {
	valid := func() identity.SignUp {
		return identity.SignUp{Market: "GB", Email: "ada@Example.com", Password: "correct horse", DisplayName: "Ada"}
	}
	tests := []struct {
		name      string
		edit      func(*identity.SignUp)
		wantField string // "" when valid
		check     func(t *testing.T, s identity.SignUp)
	}{
		{name: "valid, fields normalised", edit: func(s *identity.SignUp) { s.Market = " gb " },
			check: func(t *testing.T, s identity.SignUp) {
				if s.Market != "GB" || s.Email != "ada@example.com" || s.DisplayName != "Ada" {
					t.Errorf("normalised to market %q, email %q, name %q; want GB, ada@example.com, Ada", s.Market, s.Email, s.DisplayName)
				}
			}},
		{name: "display name defaults to the local part", edit: func(s *identity.SignUp) { s.DisplayName = "   " },
			check: func(t *testing.T, s identity.SignUp) {
				if s.DisplayName != "ada" {
					t.Errorf("display name %q, want ada", s.DisplayName)
				}
			}},
		{name: "display name of 64 characters", edit: func(s *identity.SignUp) { s.DisplayName = strings.Repeat("é", 64) }},
		{name: "display name of 65 characters", edit: func(s *identity.SignUp) { s.DisplayName = strings.Repeat("é", 65) }, wantField: "display_name"},
		{name: "market required", edit: func(s *identity.SignUp) { s.Market = "  " }, wantField: "market"},
		{name: "bad e-mail", edit: func(s *identity.SignUp) { s.Email = "Ada <ada@example.com>" }, wantField: "email"},
		{name: "password of 9 characters", edit: func(s *identity.SignUp) { s.Password = "123456789" }, wantField: "password"},
		{name: "password of 10 characters", edit: func(s *identity.SignUp) { s.Password = "1234567890" }},
		// Nine characters are too short even though they take 18 bytes:
		// the lower bound counts characters.
		{name: "9 two-byte characters", edit: func(s *identity.SignUp) { s.Password = strings.Repeat("é", 9) }, wantField: "password"},
		{name: "10 two-byte characters", edit: func(s *identity.SignUp) { s.Password = strings.Repeat("é", 10) }},
		// The upper bound counts bytes: it limits the work of hashing.
		{name: "password of 256 bytes", edit: func(s *identity.SignUp) { s.Password = strings.Repeat("p", 256) }},
		{name: "password of 257 bytes", edit: func(s *identity.SignUp) { s.Password = strings.Repeat("p", 257) }, wantField: "password"},
		{name: "129 two-byte characters are 258 bytes", edit: func(s *identity.SignUp) { s.Password = strings.Repeat("é", 129) }, wantField: "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.edit(&s)
			err := s.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate: %v, want nil", err)
				}
				if tt.check != nil {
					tt.check(t, s)
				}
				return
			}
			if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != tt.wantField {
				t.Errorf("Validate: %v, want invalid on field %s", err, tt.wantField)
			}
		})
	}
}

func TestValidStaffRoles(t *testing.T) {
	if err := identity.ValidStaffRoles(identity.StaffRoles); err != nil {
		t.Errorf("every known role: %v", err)
	}
	err := identity.ValidStaffRoles([]identity.StaffRole{identity.RoleSupport, "janitor"})
	if loopshop.ErrorField(err) != "staff_roles" || !strings.Contains(loopshop.ErrorMessage(err), "janitor") {
		t.Errorf("unknown role: %v, want invalid staff_roles naming janitor", err)
	}
}
