#include "federation/cap_geocode_table.h"

namespace yihu::federation {

void GeocodeTable::add(GeocodeEntry entry) {
    auto key = std::make_pair(entry.value_name, entry.value);
    entries_.insert_or_assign(std::move(key), std::move(entry));
}

const GeocodeEntry* GeocodeTable::find(const std::string& value_name, const std::string& value) const {
    const auto it = entries_.find({value_name, value});
    return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace yihu::federation
