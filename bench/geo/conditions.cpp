#include "conditions.h"

#include <boost/json/serialize.hpp>
#include <cstdio>

namespace yihu::bench {

namespace {

// JSON, but readable: strings unquoted at the top level, doubles as %.4g rather than Boost's 1.0402916E1.
void print_value(std::ostream& out, const boost::json::value& v, bool top) {
    if (v.is_double()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4g", v.as_double());
        out << buf;
    } else if (v.is_string() && top) {
        out << std::string_view(v.as_string());
    } else if (v.is_object()) {
        out << "{";
        bool first = true;
        for (const auto& item : v.as_object()) {
            out << (first ? "" : ", ") << std::string_view(item.key()) << ": ";
            print_value(out, item.value(), false);
            first = false;
        }
        out << "}";
    } else if (v.is_array() && top && !v.as_array().empty() && v.as_array()[0].is_string()) {  // a list of notes
        const boost::json::array& a = v.as_array();
        for (std::size_t i = 0; i < a.size(); ++i) {
            out << "\n    - ";
            print_value(out, a[i], true);
        }
    } else {
        out << boost::json::serialize(v);
    }
}

}  // namespace

void Conditions::print(std::ostream& out) const {
    for (const auto& item : items_) {
        out << "  " << std::string_view(item.key()) << ": ";
        print_value(out, item.value(), true);
        out << "\n";
    }
}

}  // namespace yihu::bench
