// Package filekind knows which files and attachments can hold a unit's return: the inbox
// reads them, and the mailbox downloads only the messages that carry one.
package filekind

import "strings"

// notReturn are extensions of files that are certainly not workbooks, archives or emails.
var notReturn = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`.pdf .ofd .doc .docx .docm .dot .dotx .wps .wpt .odt .rtf .txt .md
		.ppt .pptx .pps .ppsx .pot .potx .dps .odp .htm .html .mht .xml .json .js .css .log .ini .cfg
		.jpg .jpeg .png .gif .bmp .tif .tiff .webp .heic .svg .ico .emf .wmf .psd .ai .dwg .dxf
		.mp3 .mp4 .wav .amr .m4a .avi .mov .wmv .mkv .flv .exe .dll .msi .bat .cmd .lnk .url .apk .jar
		.vcf .ics .p7s .p7m .asc .sig .cer .crt .db .tmp .bak`) {
		notReturn[e] = true
	}
}

// NotReturn tells an extension (lower case, with its dot) of a file that is certainly not a
// return: it is skipped unread. Any other extension, known or not, may be one.
func NotReturn(ext string) bool { return notReturn[ext] }

// NamelessCandidate tells the content types worth a look when an attachment has no file name.
func NamelessCandidate(ct string) bool {
	switch ct {
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.ms-excel", "application/vnd.ms-excel.sheet.macroenabled.12",
		"application/vnd.oasis.opendocument.spreadsheet",
		"application/zip", "application/x-zip-compressed", "application/x-zip",
		"application/octet-stream", "application/kset", "application/x-excel", "application/excel":
		return true
	}
	return false
}
