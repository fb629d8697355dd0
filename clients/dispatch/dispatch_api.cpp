#include "dispatch/dispatch_api.h"

#include <cctype>

#include "api/codec/json_codec.h"
#include "tools/wire_text.h"
#include "yihu/v1/dispatcher.pb.h"

namespace yihu::dispatch {

namespace {

using namespace std::chrono_literals;

constexpr std::chrono::milliseconds kRequestTimeout = 10s;

std::string failure_text(unsigned status, const std::string& body) {
    std::string text = "error " + std::to_string(status);
    v1::ErrorBody error;
    if (body.empty() || !api::parse_json(body, error, true).ok() || error.code() == v1::ERROR_CODE_UNSPECIFIED) {
        // Not an ErrorBody (a proxy's page, an empty 502): show what came, briefly.
        return text + (body.empty() ? "" : ": " + body.substr(0, 300));
    }
    text += ' ';
    text += tools::short_name(error.code()) + ": " + error.message();
    if (!error.details().empty()) {
        std::string details;
        for (const auto& [key, value] : error.details()) details += (details.empty() ? "" : ", ") + key + "=" + value;
        text += " (" + details + ")";
    }
    return text;
}

}  // namespace

ApiFailure::ApiFailure(unsigned status, const std::string& body)
    : std::runtime_error(failure_text(status, body)), status_(status) {}

DispatchApi::DispatchApi(std::string host, std::uint16_t port, std::string token)
    : host_(std::move(host)), port_(port), token_(std::move(token)), http_(host_, port_) {}

void DispatchApi::call(std::string_view method, std::string_view target, const google::protobuf::Message* body,
                       google::protobuf::Message* out) {
    const std::string json = body ? api::to_json(*body) : std::string{};
    client::HttpClient::Reply reply;
    try {
        reply = http_.request(method, target, json, token_, kRequestTimeout);
    } catch (const std::exception& e) {
        throw std::runtime_error("error: " + std::string(method) + " " + std::string(target) + ": " + e.what());
    }
    if (reply.status < 200 || reply.status >= 300) throw ApiFailure(reply.status, reply.body);
    if (!out) return;
    if (auto parsed = api::parse_json(reply.body.empty() ? "{}" : reply.body, *out, true); !parsed) {
        throw std::runtime_error("error: the reply to " + std::string(method) + " " + std::string(target) +
                                 " is not a " + out->GetTypeName() + ": " + parsed.error().message);
    }
}

std::string url_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

}  // namespace yihu::dispatch
