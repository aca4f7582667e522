package xlsx

import "testing"

// TestHasDoctype: a document type is found before the root element only.
func TestHasDoctype(t *testing.T) {
	for _, s := range []string{"<!DOCTYPE x>", "\xef\xbb\xbf <?xml?>\n<!DOCTYPE x>", "<?xml?><!----><!DOCTYPE x>"} {
		if !hasDoctype([]byte(s)) {
			t.Errorf("hasDoctype(%q) = false", s)
		}
	}
	for _, s := range []string{"<a><!DOCTYPE x></a>", "<?xml?><a/>", "", "<!-- <!DOCTYPE x> -->"} {
		if hasDoctype([]byte(s)) {
			t.Errorf("hasDoctype(%q) = true", s)
		}
	}
}
