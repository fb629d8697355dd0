#include "conditions.h"

#include <boost/json/serialize.hpp>

namespace yihu::bench {

void Conditions::print(std::ostream& out) const {
    for (const auto& item : items_) {
        out << "  " << std::string_view(item.key()) << ": ";
        if (item.value().is_string()) {
            out << std::string_view(item.value().as_string());
        } else {
            out << boost::json::serialize(item.value());
        }
        out << "\n";
    }
}

}  // namespace yihu::bench
