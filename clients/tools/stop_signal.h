#pragma once

namespace yihu::tools {

// Ctrl-C and SIGTERM ask the tool to stop: the handlers only set a flag that the tool's loops poll, so the tool can
// still close its connections cleanly and print its summary. A second signal ends the process at once.
void install_stop_handlers();
bool stop_requested();

}  // namespace yihu::tools
