// Package ui is the web workbench: the office's whole cycle in a browser page served by
// planreport serve on the office's own computer. Every page calls the workspace package's
// operations, the same the command line calls; nothing here computes anything of the domain.
//
// One file per page action (home.go, plan_show.go, returns_upload.go…), routes.go lists them
// all, middleware.go holds the defences every request passes (the Host header, the session,
// CSRF tokens, the security headers), job.go runs the long operations in the background with
// their progress. Templates and static files are embedded: no CDN, no build step. The pages
// work without JavaScript; static/app.js adds drag-and-drop and live progress.
package ui

import (
	"context"
	"embed"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"

	"planreport/workspace"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Program names the workbench where the workspace's lock says who holds it.
const Program = "网页工作台"

// Limits bound what one upload request may bring.
type Limits struct {
	UploadBytes int64 // the whole request (default 1 GiB)
	Files       int   // files in one request (default 2,000)
	FileBytes   int64 // one file: workspace.ReceiveLimit, which collect reads at most
}

// DefaultLimits are the limits of a served workbench.
func DefaultLimits() Limits {
	return Limits{UploadBytes: 1 << 30, Files: 2000, FileBytes: workspace.ReceiveLimit}
}

// Config says what to serve and to whom.
type Config struct {
	Dir string // the workspace folder
	// Hosts are the host:port pairs the server is reached at; a request naming any other Host
	// is refused (DNS rebinding). Hosts(addr) gives them for a listener's address.
	Hosts []string
	// Password, when set, is needed to log in (a listener other than loopback).
	Password *Password
	Limits   Limits
}

// Server is the workbench of one workspace.
type Server struct {
	ws       *workspace.Workspace
	hosts    map[string]bool
	password *Password
	limits   Limits
	pages    *pages
	sessions *sessions
	jobs     *jobs
	status   statusCache
	ctx      context.Context // ends when the server closes: running jobs stop waiting
	cancel   context.CancelFunc
}

// New returns the workbench of cfg.Dir.
func New(cfg Config) (*Server, error) {
	pg, err := parsePages()
	if err != nil {
		return nil, err
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits()
	}
	if len(cfg.Hosts) == 0 {
		return nil, fmt.Errorf("没有指定网页工作台的地址")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{ws: workspace.Open(cfg.Dir), hosts: map[string]bool{}, password: cfg.Password, limits: cfg.Limits,
		pages: pg, sessions: newSessions(), ctx: ctx, cancel: cancel}
	s.jobs = newJobs(ctx)
	for _, h := range cfg.Hosts {
		s.hosts[strings.ToLower(h)] = true
	}
	return s, nil
}

// Close stops the jobs waiting for the workspace; a job that is running finishes its step.
func (s *Server) Close() { s.cancel(); s.jobs.wait() }

// Handler is the workbench's handler: every route behind the defences.
func (s *Server) Handler() http.Handler { return s.secure(s.routes()) }

// Hosts lists the host:port pairs a listener on addr is reached at: on loopback, 127.0.0.1,
// localhost and [::1]; on another address, that address, and on every address (0.0.0.0 or
// [::]), each of the computer's own addresses; with its name in both cases.
func Hosts(addr net.Addr) []string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return []string{addr.String()}
	}
	port := strconv.Itoa(tcp.Port)
	var out []string
	add := func(host string) {
		out = append(out, net.JoinHostPort(host, port))
		if port == "80" { // browsers leave the default port out of Host
			out = append(out, strings.Trim(net.JoinHostPort(host, ""), ":"))
		}
	}
	switch {
	case tcp.IP.IsLoopback():
		add("127.0.0.1")
		add("localhost")
		add("::1")
	case tcp.IP.IsUnspecified():
		add("127.0.0.1")
		add("localhost")
		add("::1")
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok {
					add(n.IP.String())
				}
			}
		}
	default:
		add(tcp.IP.String())
	}
	if !tcp.IP.IsLoopback() {
		if name, err := os.Hostname(); err == nil && name != "" {
			add(name)
		}
	}
	return out
}
