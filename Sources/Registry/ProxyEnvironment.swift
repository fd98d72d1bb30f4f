import Platform

/// The environment curl runs with: the user's, with the proxy variables as
/// podman reads them. curl itself ignores an upper-case HTTP_PROXY (a CGI
/// precaution) and would send loopback traffic to the proxy; podman (Go's
/// ProxyFromEnvironment) takes either case and never proxies loopback.
public enum ProxyEnvironment {
    public static func forCurl(_ environment: [String: String]) -> [String: String] {
        var env = environment
        if env["http_proxy"] == nil, let upper = env["HTTP_PROXY"] { env["http_proxy"] = upper }
        if env["https_proxy"] == nil, let upper = env["HTTPS_PROXY"] { env["https_proxy"] = upper }
        let listed = (env["no_proxy"] ?? env["NO_PROXY"] ?? "")
        let noProxy = ([listed] + ["localhost", "127.0.0.0/8", "::1"]).filter { !$0.isEmpty }.concatenated(separator: ",")
        env["no_proxy"] = noProxy
        env["NO_PROXY"] = noProxy
        return env
    }
}
