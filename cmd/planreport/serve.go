package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"planreport/internal/ui"
	"planreport/workspace"
)

const serveUsage = `用法：planreport serve [-w 工作目录] [--port 端口] [--listen 地址] [--password 密码] [--no-browser]

在浏览器中使用工作台：创建工作目录、导入计划、生成模板、上传单位交回的文件并检查、
催报、出具报告，都在网页上完成，与命令行调用同样的功能，结果也完全相同。

程序在本机启动一个只供本机访问的网页服务（地址 127.0.0.1，端口自动选择，或用 --port 指定），
显示网址并打开默认浏览器（--no-browser 不打开）。关闭命令行窗口或按 Ctrl+C 即停止。
在 Windows 资源管理器中双击 planreport.exe，即以所在文件夹为工作目录启动工作台；
文件夹中还没有工作目录时，网页上可以创建。

网页和命令行可以轮流使用同一个工作目录，各自看到对方的结果；一方正在修改时，另一方会显示
“正在……，请稍候”并等待，而不是出错。

供同事在办公网络中访问：--listen 0.0.0.0（或本机的某个地址，可带端口，如 192.168.1.10:8080）。
此时必须设置密码：用 --password 指定，或在第一次启动时按提示输入；工作目录中只保存密码的
加盐散列（.planreport.password，PBKDF2-SHA256），不保存密码本身；以后启动不必再输入，
用 --password 可以更换。访问者须先在登录页输入密码。

网页的安全措施：只接受发给本工作台地址的请求（防 DNS 重绑定），拒绝来自其他网站的提交，
每个表单带校验码；上传的文件有大小和数量上限，原样保存在周期的“收件”文件夹中，不覆盖、
不删除任何文件；只能下载工作目录中的文件，没有目录列表。
`

// serveOptions say how to serve; runServe reads them from the flags, a double-click has its own.
type serveOptions struct {
	dir         string
	listen      string // host or host:port
	port        int
	password    string
	noBrowser   bool
	doubleClick bool
	ready       func(url string) // called once the server listens (tests)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", serveUsage, stdout)
	dir := fs.StringP("workspace", "w", ".", "工作目录（存放 plan.xlsx 和各报送周期文件夹；还没有时可在网页上创建）")
	port := fs.Int("port", 0, "端口（默认自动选择一个空闲端口）")
	listen := fs.String("listen", "", "监听地址，供办公网络中的同事访问，如 0.0.0.0（须设置密码）；默认只供本机访问")
	password := fs.String("password", "", "登录密码（--listen 时必须有；保存为加盐散列）")
	noBrowser := fs.Bool("no-browser", false, "不打开浏览器")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve：多余的参数 %q", fs.Arg(0))
	}
	return serve(ctx, serveOptions{dir: *dir, listen: *listen, port: *port, password: *password, noBrowser: *noBrowser}, os.Stdin, stdout, stderr)
}

// doubleClick is planreport.exe started from Explorer, with no arguments and a console of its
// own: it serves the folder it was started in, and when it cannot, it says why and waits for
// Enter, so that the window does not close before it is read.
func doubleClick(ctx context.Context, o serveOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	o.doubleClick = true
	if o.dir == "" {
		o.dir = "."
	}
	err := serve(ctx, o, stdin, stdout, stderr)
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "planreport：%v\n\n按回车键关闭这个窗口。\n", err)
		bufio.NewReader(stdin).ReadString('\n')
		return errReported
	}
	return err
}

// serve serves the workbench until ctx ends.
func serve(ctx context.Context, o serveOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	st, err := os.Stat(o.dir)
	if err != nil || !st.IsDir() {
		return fmt.Errorf("找不到工作目录 %s：请指定已有的文件夹（没有工作目录时，可在网页上创建）", o.dir)
	}
	host, port := "127.0.0.1", o.port
	if o.listen != "" {
		host = o.listen
		if h, p, err := net.SplitHostPort(o.listen); err == nil {
			host = h
			if port, err = strconv.Atoi(p); err != nil {
				return usagef("serve：--listen %q 的端口不是数字", o.listen)
			}
		}
		host = strings.Trim(host, "[]")
	}
	w := workspace.Open(o.dir)
	loopback := isLoopback(host)
	pw, err := servePassword(w, o.password, !loopback, stdin, stdout)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("无法在 %s 上启动网页服务：%w（端口可能已被占用，可用 --port 换一个）", net.JoinHostPort(host, strconv.Itoa(port)), err)
	}
	srv, err := ui.New(ui.Config{Dir: o.dir, Hosts: ui.Hosts(ln.Addr()), Password: pw})
	if err != nil {
		ln.Close()
		return err
	}
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/"
	if !loopback {
		url = "http://" + serveHost(ln.Addr()) + "/"
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 20 * time.Second}
	fmt.Fprintf(stdout, "planreport 网页工作台已启动：%s\n工作目录：%s\n", url, absDir(o.dir))
	if w.HasPlan() != nil {
		fmt.Fprintln(stdout, "这个文件夹中还没有工作目录（计划台账 plan.xlsx），请在网页上创建。")
	}
	if pw != nil {
		fmt.Fprintln(stdout, "访问者须输入密码登录。")
	}
	fmt.Fprintln(stdout, "请在浏览器中使用工作台。使用期间不要关闭这个窗口；关闭窗口（或按 Ctrl+C）即停止。")
	if !o.noBrowser {
		if err := openBrowser(url); err != nil {
			fmt.Fprintf(stderr, "未能打开浏览器（%v），请把上面的网址复制到浏览器的地址栏中。\n", err)
		}
	}
	if o.ready != nil {
		o.ready(url)
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("网页服务停止：%w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hs.Shutdown(shut)
	fmt.Fprintln(stdout, "网页工作台已停止。")
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serveHost is the address to tell colleagues: the computer's first address other than
// loopback when it listens on every address.
func serveHost(addr net.Addr) string {
	tcp := addr.(*net.TCPAddr)
	if !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
				return net.JoinHostPort(n.IP.String(), strconv.Itoa(tcp.Port))
			}
		}
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}

// servePassword is the login password: --password (stored, as a hash, for the next start),
// else the one stored; when one is needed and there is none, asked on the terminal.
func servePassword(w *workspace.Workspace, given string, needed bool, stdin io.Reader, stdout io.Writer) (*ui.Password, error) {
	if given != "" {
		pw, err := ui.HashPassword(given)
		if err != nil {
			return nil, usagef("serve：--password：%v", err)
		}
		if err := ui.WritePassword(w.PasswordPath(), pw); err != nil {
			return nil, fmt.Errorf("保存密码：%w", err)
		}
		return pw, nil
	}
	pw, err := ui.ReadPassword(w.PasswordPath())
	if err != nil || pw != nil || !needed {
		return pw, err
	}
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, usagef("serve：--listen 供其他计算机访问时必须设置密码，请加 --password 密码（至少 %d 个字符）", ui.MinPassword)
	}
	for {
		fmt.Fprintf(stdout, "供同事访问须设置登录密码（至少 %d 个字符，输入时不显示）：", ui.MinPassword)
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return nil, fmt.Errorf("读取密码：%w", err)
		}
		fmt.Fprint(stdout, "再输入一次：")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return nil, fmt.Errorf("读取密码：%w", err)
		}
		if string(a) != string(b) {
			fmt.Fprintln(stdout, "两次输入不一致，请重新输入。")
			continue
		}
		pw, err := ui.HashPassword(string(a))
		if err != nil {
			fmt.Fprintln(stdout, err)
			continue
		}
		if err := ui.WritePassword(w.PasswordPath(), pw); err != nil {
			return nil, fmt.Errorf("保存密码：%w", err)
		}
		fmt.Fprintf(stdout, "密码已保存（只保存加盐散列）：%s\n", w.PasswordPath())
		return pw, nil
	}
}
