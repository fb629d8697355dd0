#include "api/gateway/static_routes.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <fstream>
#include <iterator>
#include <system_error>

#include "api/codec/http_reply.h"
#include "api/gateway/command_decoder.h"

namespace yihu::api {

namespace {

// Pages and scripts are revalidated on every load (an upgraded node serves its new console at once); the ETag makes
// that a 304. Vendored libraries change only with the Debian package, so browsers keep them for a day.
constexpr std::string_view kRevalidate = "no-cache";
constexpr std::string_view kLongCache = "public, max-age=86400";
// Larger files are not web assets; refusing them keeps one request from pulling a huge file into memory.
constexpr std::uintmax_t kMaxFileBytes = 16u << 20;

struct Mount {
    std::string_view prefix;  // with its trailing slash
    bool leaflet;             // served from leaflet_dir instead of root
};
constexpr std::array<Mount, 4> kMounts{{
    {"/console/", false},
    {"/app/", false},
    {"/lib/", false},
    {"/vendor/leaflet/", true},
}};

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// True when every segment of `relative` names an ordinary entry: not empty, not "." or "..", not hidden, no
// backslash or NUL (the path arrives percent-decoded, so "%2e%2e" is already "..").
bool safe_relative(std::string_view relative) {
    if (relative.empty()) return true;  // the directory itself: its index.html
    std::size_t start = 0;
    while (start <= relative.size()) {
        const std::size_t end = std::min(relative.find('/', start), relative.size());
        const std::string_view segment = relative.substr(start, end - start);
        if (end == relative.size() && segment.empty()) return true;  // a trailing slash
        if (segment.empty() || segment.front() == '.') return false;
        if (segment.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos) return false;
        start = end + 1;
    }
    return true;
}

net::HttpResponse redirect(std::string location) {
    net::HttpResponse r;
    r.status = 301;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "moved to " + location + "\n";
    r.headers.emplace_back("Location", std::move(location));
    return r;
}

net::HttpResponse not_found(const std::string& path) {
    return error_reply(v1::ERROR_CODE_NOT_FOUND, "no such page: " + echo(path));
}

}  // namespace

std::string StaticRoutes::content_type(const std::filesystem::path& file) {
    static const std::array<std::pair<std::string_view, std::string_view>, 13> kTypes{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".proto", "text/plain; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".ico", "image/x-icon"},
        {".webmanifest", "application/manifest+json"},
        {".map", "application/json"},
    }};
    const std::string extension = file.extension().string();
    for (const auto& [ext, type] : kTypes) {
        if (extension == ext) return std::string(type);
    }
    return "application/octet-stream";
}

std::optional<net::HttpResponse> StaticRoutes::serve(const net::HttpRequest& request) const {
    // Without a root the node serves no pages at all, and every path is left to the API (a plain 404 there).
    if (options_.root.empty()) return std::nullopt;
    const std::string& path = request.path;
    const bool is_static =
        path == "/" || path == "/console" || path == "/app" ||
        std::any_of(kMounts.begin(), kMounts.end(), [&](const Mount& m) { return starts_with(path, m.prefix); });
    if (!is_static) return std::nullopt;
    if (request.method != "GET" && request.method != "HEAD") {
        net::HttpResponse r =
            error_reply(v1::ERROR_CODE_METHOD_NOT_ALLOWED,
                        echo(request.method) + " is not allowed on " + echo(path) + "; use GET, HEAD");
        r.headers.emplace_back("Allow", "GET, HEAD");
        return r;
    }
    if (path == "/") return redirect("/console/");
    if (path == "/console" || path == "/app") return redirect(path + "/");
    if (path == "/console/config.json") return config_reply();
    for (const Mount& mount : kMounts) {
        if (!starts_with(path, mount.prefix)) continue;
        const std::filesystem::path& dir = mount.leaflet ? options_.leaflet_dir : options_.root;
        if (dir.empty()) return not_found(path);  // leaflet_dir set empty
        // /console/ and /app/ live under root by their own name; /vendor/leaflet/ is the whole leaflet_dir.
        const std::string_view relative = std::string_view(path).substr(mount.leaflet ? mount.prefix.size() : 1);
        return file_reply(request, dir, relative, mount.leaflet);
    }
    return not_found(path);
}

net::HttpResponse StaticRoutes::file_reply(const net::HttpRequest& request, const std::filesystem::path& dir,
                                           std::string_view relative, bool long_cache) const {
    if (!safe_relative(relative)) return not_found(request.path);
    std::filesystem::path file = dir / std::filesystem::path(std::string(relative));
    if (relative.empty() || relative.back() == '/') file /= "index.html";

    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::is_regular_file(status)) {
        // A directory named without its slash: send the browser to the slash so relative links resolve.
        if (!ec && std::filesystem::is_directory(status)) return redirect(request.path + "/");
        return not_found(request.path);
    }
    const std::uintmax_t size = std::filesystem::file_size(file, ec);
    const auto modified = std::filesystem::last_write_time(file, ec);
    if (ec || size > kMaxFileBytes) return not_found(request.path);

    // Built by appending: GCC 12 at -O3 raises a false -Wrestrict on `"\"" + std::to_string(...)`.
    std::string etag;
    etag.append(1, '"').append(std::to_string(size)).append(1, '-');
    etag.append(std::to_string(modified.time_since_epoch().count())).append(1, '"');
    net::HttpResponse r;
    r.headers.emplace_back("Cache-Control", std::string(long_cache ? kLongCache : kRevalidate));
    r.headers.emplace_back("ETag", etag);
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    // The headers map directly: HttpRequest's helpers live in yihu_net, which yihu_api does not link.
    if (auto it = request.headers.find("if-none-match"); it != request.headers.end() && it->second == etag) {
        r.status = 304;
        r.content_type.clear();
        return r;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) return not_found(request.path);
    r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    r.content_type = content_type(file);
    return r;
}

net::HttpResponse StaticRoutes::config_reply() const {
    boost::json::object body;
    body["tileUrl"] = options_.tile_url;
    net::HttpResponse r;
    r.body = boost::json::serialize(body);
    r.headers.emplace_back("Cache-Control", std::string(kRevalidate));
    return r;
}

}  // namespace yihu::api
