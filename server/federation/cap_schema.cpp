#include "federation/cap_schema.h"

#include <libxml/xmlschemas.h>

#include <stdexcept>
#include <string>

#include "federation/cap_xml.h"

namespace yihu::federation {

// Defined in the generated cap_schema_xsd.cpp (CMake embeds CAP-v1.2.xsd).
extern const char kCapSchemaXsd[];
extern const std::size_t kCapSchemaXsdSize;

namespace {

struct FirstError {
    std::string text;
};

void keep_first(void* ctx, xmlErrorPtr err) {
    auto* first = static_cast<FirstError*>(ctx);
    if (!first->text.empty() || err == nullptr) return;
    std::string message = err->message ? err->message : "invalid";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    first->text = "line " + std::to_string(err->line) + ": " + message;
}

}  // namespace

std::string_view CapSchema::text() {
    return {kCapSchemaXsd, kCapSchemaXsdSize};
}

const CapSchema& CapSchema::instance() {
    static const CapSchema schema;
    return schema;
}

CapSchema::CapSchema() {
    init_xml();
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewMemParserCtxt(kCapSchemaXsd, static_cast<int>(kCapSchemaXsdSize));
    if (parser == nullptr) throw std::runtime_error("CAP schema: cannot allocate a schema parser");
    FirstError error;
    xmlSchemaSetParserStructuredErrors(parser, keep_first, &error);
    schema_ = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    if (schema_ == nullptr) throw std::runtime_error("CAP schema does not parse: " + error.text);
}

CapSchema::~CapSchema() {
    xmlSchemaFree(schema_);
}

core::Status CapSchema::validate(_xmlDoc* doc) const {
    xmlSchemaValidCtxtPtr ctxt = xmlSchemaNewValidCtxt(schema_);
    if (ctxt == nullptr) return core::make_error(core::ErrorCode::kInternal, "cannot allocate a schema validator");
    FirstError error;
    xmlSchemaSetValidStructuredErrors(ctxt, keep_first, &error);
    const int rc = xmlSchemaValidateDoc(ctxt, doc);
    xmlSchemaFreeValidCtxt(ctxt);
    if (rc == 0) return core::Status::Ok();
    if (error.text.empty()) error.text = "the document is not valid CAP 1.2";
    return core::make_error(core::ErrorCode::kInvalidArgument, "not valid CAP 1.2: " + error.text);
}

}  // namespace yihu::federation
