#include "net/server_state.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <vector>

namespace yihu::net::detail {

namespace {

std::string json_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    static constexpr char kHex[] = "0123456789abcdef";
                    out += "\\u00";
                    out += kHex[(c >> 4) & 0xf];
                    out += kHex[c & 0xf];
                } else {
                    out += c;
                }
        }
    }
    return out;
}

}  // namespace

std::uint64_t ConnectionRegistry::add(const std::shared_ptr<Closable>& connection, std::optional<Closing>& closing) {
    std::lock_guard lock(mutex_);
    std::uint64_t id = next_id_++;
    connections_.emplace(id, connection);
    // A connection that raced with close_all (accepted or upgraded just after it) must not escape it.
    if (closing_) closing = Closing{closing_code_, closing_reason_};
    return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    connections_.erase(id);
}

void ConnectionRegistry::close_all(std::uint16_t code, const std::string& reason) {
    std::vector<std::shared_ptr<Closable>> open;
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
        closing_code_ = code;
        closing_reason_ = reason;
        open.reserve(connections_.size());
        for (auto& [id, weak] : connections_) {
            if (auto connection = weak.lock()) open.push_back(std::move(connection));
        }
    }
    // Outside the lock: shutdown only posts, but a session's last reference may be released here.
    for (auto& connection : open) connection->shutdown(code, reason);
}

HttpResponse ServerState::error_response(unsigned status, std::string_view code, std::string message) const {
    if (routes.error) return routes.error(status, code, std::move(message));
    HttpResponse response;
    response.status = status;
    response.body = "{\"code\":\"" + json_escape(code) + "\",\"message\":\"" + json_escape(message) + "\"}";
    return response;
}

HttpResponse ServerState::rate_limited_response(std::chrono::milliseconds retry_after, std::string message) const {
    HttpResponse response = error_response(429, "RATE_LIMITED", std::move(message));
    const auto seconds = std::max<std::int64_t>(1, (retry_after.count() + 999) / 1000);
    std::erase_if(response.headers, [](const auto& field) { return field.first == "Retry-After"; });
    response.headers.emplace_back("Retry-After", std::to_string(seconds));
    return response;
}

std::string rate_key_for_address(const std::string& address_text) {
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address(address_text, error);
    if (error || !address.is_v6()) return address_text;
    auto bytes = address.to_v6().to_bytes();
    if (address.to_v6().is_v4_mapped()) return address.to_v6().to_v4().to_string();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace yihu::net::detail
