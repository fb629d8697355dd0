// yihu-server: configuration in, a running node out. Everything else lives in the libraries.

#include <spdlog/spdlog.h>

#include <iostream>

#include "app/log_level.h"
#include "app/node.h"
#include "ops/config.h"

int main(int argc, char** argv) {
    auto loaded = yihu::ops::load_config(argc, argv, std::cout);
    if (!loaded) {
        std::cerr << "yihu-server: " << loaded.error().message << "\n(see --help)\n";
        return 2;
    }
    if (loaded->exit_now) return loaded->exit_code;
    const yihu::ops::Config& config = loaded->config;
    spdlog::set_level(yihu::app::to_spdlog_level(config.log.level));
    spdlog::info("configuration:\n{}", yihu::ops::describe(config));
    return yihu::app::run_until_signalled(std::move(loaded->config));
}
