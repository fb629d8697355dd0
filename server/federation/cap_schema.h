#pragma once

#include <string_view>

#include "core/result.h"

struct _xmlDoc;
struct _xmlSchema;

namespace yihu::federation {

// The OASIS CAP 1.2 schema (CAP-v1.2.xsd, compiled into the library), parsed once. Validation is thread-safe: each
// call makes its own validation context over the shared, read-only schema.
class CapSchema {
  public:
    // The process-wide instance, parsed on first use. Throws std::runtime_error if the embedded schema does not parse
    // (a build defect, found at start-up).
    static const CapSchema& instance();

    // Ok if `doc` is valid; otherwise kInvalidArgument whose message is the validator's first complaint with its line,
    // e.g. "line 8: Element '{urn:oasis:names:tc:emergency:cap:1.2}msgType': [facet 'enumeration'] The value 'Alarm'
    // is not an element of the set {'Alert', 'Update', 'Cancel', 'Ack', 'Error'}."
    core::Status validate(_xmlDoc* doc) const;

    // The schema text, for tools and tests (xmllint --schema).
    static std::string_view text();

    CapSchema(const CapSchema&) = delete;
    CapSchema& operator=(const CapSchema&) = delete;
    ~CapSchema();

  private:
    CapSchema();
    _xmlSchema* schema_ = nullptr;
};

}  // namespace yihu::federation
