// libFuzzer: a CAP 1.2 document from a stranger (POST /v1/cap/alerts, a peer's feed) through the whole importer:
// guarded parse, schema validation, mapping. Whatever it accepts must export back to a schema-valid CAP document
// and import again to the same kind and part count; anything else aborts. Seeds: fuzz/corpus/cap/.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/codec/geo_codec.h"
#include "federation/cap_export.h"
#include "federation/cap_import.h"
#include "federation/cap_reader.h"

namespace {

using namespace yihu;

std::size_t parts(const core::geo::Area& a) {
    return a.shapes() ? a.shapes()->part_count() : 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // 2026-01-01T00:00:00Z, so seeds with a later <expires> import.
    const core::Time now = core::time_from_ms(1'767'225'600'000);
    const federation::CapImportConfig config;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto imported = federation::import_cap(bytes, config, now);
    if (!imported) {
        if (imported.error().message.empty()) std::abort();  // every refusal says why
        return 0;
    }
    if (imported->type == federation::CapMsgType::kCancel) return 0;
    if (!imported->area) std::abort();  // an Alert or Update always has a place

    v1::Alert alert;
    alert.set_id("fuzz-1");
    alert.set_version(1);
    alert.set_state(v1::ALERT_STATE_ACTIVE);
    alert.set_kind(static_cast<v1::AlertKind>(static_cast<int>(imported->kind) + 1));
    alert.set_title(imported->title);
    alert.set_description(imported->description);
    alert.set_instruction(imported->instruction);
    alert.mutable_created_at()->set_seconds(core::to_ms(now) / 1000);
    const core::geo::Area& area = *imported->area;
    api::to_proto(area, alert.mutable_area());
    auto xml = federation::to_cap_xml(alert, {});
    if (!xml) std::abort();
    auto again = federation::import_cap(*xml, config, now);
    if (!again || again->kind != imported->kind || !again->area || parts(*again->area) != parts(area)) std::abort();
    return 0;
}
