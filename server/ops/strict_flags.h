#pragma once

#include <boost/program_options.hpp>

#include "core/result.h"

namespace yihu::ops {

// Parses command-line flags without guessing abbreviations ("--serv" must be an error, not whichever option it
// happens to prefix) and stores them in `out`. Any parse error is kInvalidArgument with Boost's message.
core::Status parse_strict_flags(int argc, const char* const* argv,
                                const boost::program_options::options_description& options,
                                boost::program_options::variables_map& out);

}  // namespace yihu::ops
