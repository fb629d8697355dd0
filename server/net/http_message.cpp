#include "net/http_message.h"

namespace yihu::net {

const std::string& HttpRequest::header(const std::string& name) const {
    static const std::string kEmpty;
    auto it = headers.find(name);
    return it == headers.end() ? kEmpty : it->second;
}

std::string HttpRequest::bearer_token() const {
    const std::string& value = header("authorization");
    constexpr std::string_view kScheme = "Bearer ";
    if (value.size() <= kScheme.size()) return {};
    // The scheme is case-insensitive (RFC 7235 section 2.1).
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        char c = value[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        char k = kScheme[i];
        if (k >= 'A' && k <= 'Z') k = static_cast<char>(k - 'A' + 'a');
        if (c != k) return {};
    }
    return value.substr(kScheme.size());
}

std::string HttpRequest::query_value(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string{} : it->second;
}

}  // namespace yihu::net
