package workspace

import (
	"fmt"
	"path/filepath"
	"strings"

	"planreport/internal/atomicfile"
	"planreport/plan"
)

// NoPlanError is a workspace without a ledger: nothing can be done before init.
type NoPlanError struct{ Dir, Ledger string }

func (e *NoPlanError) Error() string {
	return fmt.Sprintf("工作目录 %s 中没有计划台账 %s。请先运行 planreport init %s 创建工作目录", absDir(e.Dir), filepath.Base(e.Ledger), QuoteArg(e.Dir))
}

// NotIssuedError is a period whose templates were never issued: collecting, reminding or
// reporting on it would only tell every unit it is missing (a mistyped period, most often).
type NotIssuedError struct {
	Dir    string
	Period plan.Period
}

func (e *NotIssuedError) Error() string {
	return fmt.Sprintf("%s（%s）还没有生成过报送模板，本次没有做任何修改。请确认周期是否写对；如无误，请先生成模板：planreport templates -w %s --period %s",
		e.Period.Chinese(), e.Period, QuoteArg(e.Dir), e.Period)
}

// LockedError is a workspace another program is changing: nothing was changed.
type LockedError struct {
	Dir    string
	Holder Holder
}

func (e *LockedError) Error() string {
	h := e.Holder
	what := h.Operation
	if what == "" {
		what = "修改工作目录"
	}
	who := fmt.Sprintf("进程 %d", h.PID)
	if h.Program != "" {
		who = h.Program + "，" + who
	}
	if h.Host != "" && h.Host != hostname() {
		who += "，计算机 " + h.Host
	}
	since := ""
	if !h.Since.IsZero() {
		since = "，自 " + h.Since.Local().Format("2006-01-02 15:04:05") + " 起"
	}
	return fmt.Sprintf("工作目录 %s 正由另一个程序使用：正在%s（%s%s）。本次没有做任何修改，请等它完成后再试", absDir(e.Dir), what, who, since)
}

// BusyError is an operation that did its work but could not replace some files, held open
// in Excel or WPS: the record is consistent, and running the operation again, with the files
// closed, writes them.
type BusyError struct {
	Paths []string
	Retry string // what to run again
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("以下文件可能正在 Excel 或 WPS 中打开，未能更新：\n  %s\n请关闭这些文件后重新运行%s（其他结果已保存，重新运行会补写这些文件）",
		strings.Join(e.Paths, "\n  "), e.Retry)
}

// busyOrErr returns a BusyError for the files errs say are held open, the first other error
// when there is one, or nil.
func busyOrErr(retry string, errs ...error) error {
	var busy []string
	for _, err := range errs {
		if err == nil {
			continue
		}
		paths := atomicfile.BusyPaths(err)
		if len(paths) == 0 {
			return err
		}
		busy = append(busy, paths...)
	}
	if len(busy) > 0 {
		return &BusyError{Paths: busy, Retry: retry}
	}
	return nil
}

// QuoteArg quotes a path for a command the user may paste: one with spaces (Windows folders
// often have them) in double quotes.
func QuoteArg(s string) string {
	if strings.ContainsAny(s, " \t　") {
		return `"` + s + `"`
	}
	return s
}

func absDir(dir string) string {
	if a, err := filepath.Abs(dir); err == nil {
		return a
	}
	return dir
}
