#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value_from.hpp>
#include <ostream>
#include <string_view>
#include <utility>

namespace yihu::bench {

// The conditions a run was measured under, in the order they were recorded: printed before any figure and written
// to the JSON, so that no number is read without knowing the machine and the inputs behind it.
class Conditions {
  public:
    // Anything boost::json::value_from takes: strings, numbers, bools, JSON values.
    template <class T>
    void add(std::string_view key, T&& value) {
        items_[key] = boost::json::value_from(std::forward<T>(value));
    }
    const boost::json::object& json() const { return items_; }
    // "key: value" lines; strings unquoted.
    void print(std::ostream& out) const;

  private:
    boost::json::object items_;  // keeps insertion order
};

}  // namespace yihu::bench
