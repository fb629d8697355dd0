#include "ops/strict_flags.h"

namespace yihu::ops {

namespace po = boost::program_options;

core::Status parse_strict_flags(int argc, const char* const* argv, const po::options_description& options,
                                po::variables_map& out) {
    try {
        const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
        po::store(po::command_line_parser(argc, argv).options(options).style(style).run(), out);
        po::notify(out);
    } catch (const po::error& e) {
        return core::make_error(core::ErrorCode::kInvalidArgument, e.what());
    }
    return core::Status::Ok();
}

}  // namespace yihu::ops
