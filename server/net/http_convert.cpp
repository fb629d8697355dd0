#include "net/http_convert.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>

namespace yihu::net::detail {

namespace http = boost::beast::http;

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<HttpRequest> to_http_request(BeastRequest& request, const std::string& remote, bool take_body) {
    auto target = boost::urls::parse_origin_form(request.target());
    if (!target) return std::nullopt;

    HttpRequest out;
    out.method = std::string(request.method_string());
    out.target = std::string(request.target());
    try {
        // Decoding throws on malformed escapes that the grammar let through; treat those as a bad request too.
        out.path = target->path();
        for (auto param : target->params()) {
            out.query.emplace(std::string(param.key), param.has_value ? std::string(param.value) : std::string());
        }
    } catch (const std::exception&) {
        return std::nullopt;
    }
    for (const auto& field : request) {
        auto [it, inserted] = out.headers.emplace(lower(field.name_string()), std::string(field.value()));
        // Repeated fields are one list (RFC 9110 section 5.3); cookies are joined with "; " (RFC 6265 section 5.4).
        if (!inserted) it->second += (it->first == "cookie" ? "; " : ", ") + std::string(field.value());
    }
    if (take_body) out.body = std::move(request.body());
    out.remote = remote;
    return out;
}

BeastResponse to_beast_response(HttpResponse response, unsigned version, bool keep_alive) {
    BeastResponse out;
    out.version(version);
    out.result(response.status);
    out.set(http::field::server, kServerName);
    if (!response.body.empty() || !response.content_type.empty()) {
        out.set(http::field::content_type, response.content_type);
    }
    for (auto& [name, value] : response.headers) out.insert(name, value);
    out.body() = std::move(response.body);
    out.keep_alive(keep_alive);
    out.prepare_payload();
    return out;
}

}  // namespace yihu::net::detail
