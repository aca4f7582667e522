package ui

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"planreport/internal/atomicfile"
)

// Password is the workbench's login password as stored: PBKDF2 with SHA-256 over a random
// salt, never the password itself. serve keeps it in the workspace's .planreport.password.
type Password struct {
	Algorithm  string `json:"algorithm"` // pbkdf2-sha256
	Iterations int    `json:"iterations"`
	Salt       string `json:"salt"` // base64
	Hash       string `json:"hash"` // base64, 32 bytes
}

const (
	passwordAlgorithm  = "pbkdf2-sha256"
	passwordIterations = 600_000 // OWASP's figure for PBKDF2-HMAC-SHA256
	// MinPassword is the shortest password serve accepts, in characters.
	MinPassword = 8
)

// HashPassword makes the stored form of a password, with a new salt.
func HashPassword(password string) (*Password, error) {
	if n := len([]rune(password)); n < MinPassword {
		return nil, fmt.Errorf("密码至少 %d 个字符", MinPassword)
	}
	return hashPassword(password, passwordIterations)
}

// hashPassword hashes with a given cost: tests use a lower one, Matches reads it back.
func hashPassword(password string, iterations int) (*Password, error) {
	salt := make([]byte, 16)
	rand.Read(salt)
	key, err := pbkdf2.Key(sha256.New, password, salt, iterations, 32)
	if err != nil {
		return nil, err
	}
	return &Password{Algorithm: passwordAlgorithm, Iterations: iterations,
		Salt: base64.StdEncoding.EncodeToString(salt), Hash: base64.StdEncoding.EncodeToString(key)}, nil
}

// Matches reports whether password is the one stored, comparing in constant time.
func (p *Password) Matches(password string) bool {
	salt, err1 := base64.StdEncoding.DecodeString(p.Salt)
	want, err2 := base64.StdEncoding.DecodeString(p.Hash)
	if err1 != nil || err2 != nil || p.Algorithm != passwordAlgorithm || p.Iterations < 1 || len(want) == 0 {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, p.Iterations, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

// ReadPassword reads a stored password; nil, nil when there is none.
func ReadPassword(path string) (*Password, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("读取密码文件 %s：%w", path, err)
	}
	var p Password
	if err := json.Unmarshal(data, &p); err != nil || p.Algorithm != passwordAlgorithm {
		return nil, fmt.Errorf("密码文件 %s 已损坏：请用 --password 重新设置密码", path)
	}
	return &p, nil
}

// WritePassword stores a password's hash, readable by its owner only.
func WritePassword(path string, p *Password) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(path, append(data, '\n')); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}
