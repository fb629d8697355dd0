// libFuzzer: the bytes of an HTTP/1.1 request as a stranger sends them, through the same Beast parser settings the
// listener uses (header and body limits), then into the application's HttpRequest (target, percent-decoding, query,
// headers). Several requests may follow each other on one connection, as with keep-alive.

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "net/http_convert.h"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    boost::asio::const_buffer rest(data, size);
    for (int request = 0; request < 4 && rest.size() > 0; ++request) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(16 * 1024);
        parser.body_limit(64 * 1024);
        parser.eager(true);
        boost::system::error_code error;
        const std::size_t used = parser.put(rest, error);
        if (error == http::error::need_more) {
            parser.put_eof(error);
        }
        if (error || !parser.is_done()) return 0;
        auto message = parser.release();
        auto converted = yihu::net::detail::to_http_request(message, "fuzz", true);
        if (converted) {
            (void)converted->bearer_token();
            (void)converted->query_value("alertIds");
        }
        rest += used;
    }
    return 0;
}
