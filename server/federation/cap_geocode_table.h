#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/geo/circle.h"
#include "core/geo/polygon.h"

namespace yihu::federation {

// The shapes a CAP <geocode> stands for, e.g. valueName "GB2260" (China's administrative division codes), value
// "371202" (Laiwu). A CAP area given only by geocodes is resolved through this table.
struct GeocodeEntry {
    std::string value_name;
    std::string value;
    std::vector<core::geo::Circle> circles;
    std::vector<core::geo::Polygon> polygons;
};

class GeocodeTable {
  public:
    // Replaces an entry with the same (value_name, value).
    void add(GeocodeEntry entry);
    // Exact match on both strings; nullptr if absent.
    const GeocodeEntry* find(const std::string& value_name, const std::string& value) const;
    std::size_t size() const { return entries_.size(); }

  private:
    std::map<std::pair<std::string, std::string>, GeocodeEntry> entries_;
};

}  // namespace yihu::federation
