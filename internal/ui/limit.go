package ui

import (
	"fmt"
	"io"
)

// limitFile reads at most limit bytes of one uploaded file and fails past them, so that an
// oversized file is not kept (workspace.Receive keeps nothing of a file that failed).
func limitFile(r io.Reader, limit int64, name string) io.Reader {
	return &limited{r: r, left: limit, name: name}
}

type limited struct {
	r    io.Reader
	left int64
	name string
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, fmt.Errorf("文件“%s”过大，未保存", l.name)
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, fmt.Errorf("文件“%s”超过 %d MB，未保存", l.name, (l.left+int64(n))>>20)
	}
	return n, err
}
