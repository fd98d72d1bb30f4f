import Foundation
import Testing

/// A real editor drives devbox: Neovim starts a language server through
/// `devbox exec -i -- ...` in the project's environment and talks LSP to
/// it over stdio (byte-exact, unbuffered, no terminal).
@Suite("editors")
struct EditorTests {
    /// A minimal language server: answers initialize and hover (with where
    /// it runs), then shutdown and exit.
    static let server = #"""
        import json, os, sys
        def read():
            length = 0
            while True:
                line = sys.stdin.buffer.readline()
                if not line:
                    sys.exit(0)
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            return json.loads(sys.stdin.buffer.read(length))
        def send(msg):
            body = json.dumps(msg).encode()
            sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            sys.stdout.buffer.flush()
        while True:
            msg = read()
            method, ident = msg.get("method"), msg.get("id")
            if method == "initialize":
                send({"jsonrpc": "2.0", "id": ident, "result": {"capabilities": {"hoverProvider": True}}})
            elif method == "textDocument/hover":
                where = "%s pid1=%s tty=%s" % (os.environ.get("LSP_MARK", "none"), open("/proc/1/comm").read().strip(), os.isatty(0))
                send({"jsonrpc": "2.0", "id": ident, "result": {"contents": where}})
            elif method == "shutdown":
                send({"jsonrpc": "2.0", "id": ident, "result": None})
            elif method == "exit":
                sys.exit(0)
            elif ident is not None:
                send({"jsonrpc": "2.0", "id": ident, "result": None})
        """#

    static let client = #"""
        local id = vim.lsp.start_client({
          name = "devbox-test",
          cmd = { os.getenv("DEVBOX_BIN"), "exec", "-i", "--", "python3", os.getenv("LSP_SERVER") },
          root_dir = os.getenv("LSP_ROOT"),
        })
        vim.lsp.buf_attach_client(0, id)
        local ok = vim.wait(20000, function()
          local c = vim.lsp.get_client_by_id(id)
          return c ~= nil and c.initialized
        end, 50)
        local out = io.open(os.getenv("LSP_OUT"), "w")
        if not ok then
          out:write("not initialized\n")
        else
          local c = vim.lsp.get_client_by_id(id)
          local r = c.request_sync("textDocument/hover",
            { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = 0, character = 0 } }, 20000, 0)
          out:write((r and r.result and r.result.contents) or ("no answer: " .. vim.inspect(r)), "\n")
          c.stop()
        end
        out:close()
        vim.cmd("qa!")
        """#

    @Test("Neovim's LSP client round-trips through devbox exec -i into the project's environment", arguments: Runner.all)
    func neovimLanguageServer(runner: Runner) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/nvim") else {
            Issue.record("neovim is not installed (make deps installs it)")
            return
        }
        let s = try Scratch(runner)
        try s.write("devbox.toml", "[env]\nLSP_MARK = \"in-env\"\n")
        try s.write("server.py", Self.server)
        try s.write("client.lua", Self.client)
        try s.write("main.txt", "hello\n")
        defer { s.removeProjectEnvironments() }
        let out = s.project.appendingPathComponent("lsp.out").path
        let env = ["DEVBOX_BIN=\(Runner.binary)", "LSP_SERVER=\(s.project.path)/server.py", "LSP_ROOT=\(s.project.path)", "LSP_OUT=\(out)"]
        let nvim = Array(s.command([]).dropLast()) + env
            + ["/usr/bin/nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n", "main.txt", "-c", "luafile client.lua"]
        let r = try Shell.run(nvim, stdin: Data(), cwd: s.project, timeout: 90)
        #expect(r.status == 0, "\(r.stderr)")
        let answer = (try? String(contentsOfFile: out, encoding: .utf8)) ?? "(no output) \(r.stderr)"
        // The server ran inside (its PID 1 is devbox's), with the project's
        // env, and stdin was a pipe, not a terminal.
        let hostInit = (try? String(contentsOfFile: "/proc/1/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        #expect(answer.hasPrefix("in-env pid1=") && answer.contains("tty=False") && !answer.contains("pid1=\(hostInit) "), "\(answer)")
    }
}
