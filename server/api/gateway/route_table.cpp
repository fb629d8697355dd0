#include "api/gateway/route_table.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace yihu::api {

std::optional<std::vector<std::string>> path_segments(std::string_view target) {
    auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return std::nullopt;
    std::vector<std::string> out;
    for (std::string segment : parsed->segments()) out.push_back(std::move(segment));
    return out;
}

}  // namespace yihu::api
