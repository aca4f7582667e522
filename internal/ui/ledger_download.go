package ui

import "net/http"

// ledgerDownload sends plan.xlsx, to edit in Excel and upload back.
func (s *Server) ledgerDownload(w http.ResponseWriter, r *http.Request) {
	s.serveFile(w, r, s.ws.Ledger())
}
